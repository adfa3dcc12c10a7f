"""The one daily job: retention, expired sessions, the outbox's stragglers, freshness reminders.

Schedule it once a day (cron or a systemd timer, see the README). django-tasks has no schedules
of its own, so the worker does not run it.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox.services import outbox_retention_apply, outbox_retry
from surveys.privacy import retention_apply, sessions_clear_expired
from surveys.registration.services import freshness_reminders_send

TASK_RESULT_RETENTION = datetime.timedelta(days=7)


class Command(BaseCommand):
    help = (
        "Run the daily jobs: remove personal data past its retention period (as the privacy "
        "notice says), delete expired sessions, retry emails that are stuck or failed this week, "
        "delete old emails and worker results, and email a fresh link to groups whose answers "
        "have not been checked for 11 months."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        for what, count in retention_apply(now=now).items():
            self.stdout.write(f"{what}: {count}")
        sessions_clear_expired()
        self.stdout.write("expired sessions deleted")
        self.stdout.write(f"emails deleted after 90 days: {outbox_retention_apply(now=now)}")
        self.stdout.write(f"emails queued again: {outbox_retry(now=now)}")
        finished, _ = (
            DBTaskResult.objects.finished().filter(finished_at__lt=now - TASK_RESULT_RETENTION).delete()
        )
        self.stdout.write(f"worker results deleted: {finished}")
        self.stdout.write(f"freshness reminders sent: {freshness_reminders_send(now=now)}")
