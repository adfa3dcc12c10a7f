"""python manage.py backup --output FILE"""

from django.core.management.base import BaseCommand

from capacity_map.backup import backup


class Command(BaseCommand):
    help = "Write a consistent copy of the database (pg_dump for PostgreSQL, a SQLite copy otherwise)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args, output, **options):
        backup(output)
        self.stdout.write(f"Database backed up to {output}")
