"""python manage.py restore --input FILE [--yes]"""

import sys

from django.core.management.base import BaseCommand, CommandError

from capacity_map.backup import restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="The backup file to load.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (for unattended runs)."
        )

    def handle(self, *args, input, yes, **options):  # noqa: A002 - the option's name
        if not yes:
            if not sys.stdin.isatty():
                # Piped input or none (cron, CI): nobody is there to say yes to losing the data.
                raise CommandError(
                    "Restore replaces everything in the database and there is no terminal to confirm "
                    "it. Run it with --yes (make restore BACKUP=... YES=1) to restore unattended."
                )
            if input_confirmation() != "yes":
                raise CommandError("Restore cancelled.")
        restore(input)
        self.stdout.write(f"Database restored from {input}")


def input_confirmation():
    return input("This replaces everything in the database. Type 'yes' to continue: ").strip()
