"""Build the fictional demo council; running it again only adds what is missing."""

from django.core.management.base import BaseCommand, CommandError

from surveys.demo import build_demo_council


class Command(BaseCommand):
    help = (
        "Create a fictional council's wards, services, groups, survey rounds, interests and "
        "resident views, plus demo admin and officer logins. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply organisations, interests and resident responses (1 = 250 groups).",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set and print new passwords for the demo admin and officer.",
        )

    def handle(self, *args, scale, reset_passwords, **options):
        if scale < 1:
            raise CommandError("--scale must be a whole number, 1 or more.")
        counts = build_demo_council(scale=scale, stdout=self.stdout, reset_passwords=reset_passwords)
        self.stdout.write("Demo council now holds:")
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,}")
