"""Build the fictional demo council; running it again only adds what is missing."""

from django.core.management.base import BaseCommand, CommandError

from surveys.demo.load import build_demo_council


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
        shape = parser.add_argument_group(
            "a bigger council (for benchmarks; give the same values on every run against one database)"
        )
        shape.add_argument("--wards", type=int, help="How many wards (default 18).")
        shape.add_argument("--services", type=int, help="How many service areas (default 60, up to 156).")
        shape.add_argument(
            "--rounds", type=int, help="How many organisation-capacity rounds (default 2, the newest open)."
        )
        shape.add_argument(
            "--residents", type=int, help="How many resident responses (default 1,200 × the scale)."
        )

    def handle(self, *args, scale, reset_passwords, wards, services, rounds, residents, **options):
        if scale < 1:
            raise CommandError("--scale must be a whole number, 1 or more.")
        try:
            counts = build_demo_council(
                scale=scale,
                stdout=self.stdout,
                reset_passwords=reset_passwords,
                wards=wards,
                services=services,
                capacity_rounds=rounds,
                residents=residents,
            )
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write("Demo council now holds:")
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,}")
