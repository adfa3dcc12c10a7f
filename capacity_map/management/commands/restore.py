"""python manage.py restore --input FILE"""

from django.core.management.base import BaseCommand, CommandError

from capacity_map.backup import restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="The backup file to load.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, input, yes, **options):  # noqa: A002 - the option's name
        if not yes and input_confirmation() != "yes":
            raise CommandError("Restore cancelled.")
        restore(input)
        self.stdout.write(f"Database restored from {input}")


def input_confirmation():
    return input("This replaces everything in the database. Type 'yes' to continue: ").strip()
