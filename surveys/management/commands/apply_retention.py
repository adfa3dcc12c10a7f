"""Remove personal data that has passed its retention period (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from surveys.privacy import retention_apply


class Command(BaseCommand):
    help = (
        "Remove contact details of groups archived or rejected over 12 months ago, decided updates "
        "over 12 months old, residents' answers 3 years after their round closed, and sign-in "
        "records over 90 days old, as the privacy notice says."
    )

    def handle(self, *args, **options):
        for what, count in retention_apply().items():
            self.stdout.write(f"{what}: {count}")
