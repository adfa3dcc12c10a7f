"""Reads of the outbox: the moderators' list and the health check's backlog figures."""

import datetime

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import Email


def outbox_health(*, now=None) -> dict:
    """Queued, overdue and failed counts; 'ok' unless an email is stuck or has failed for good."""
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
    figures = Email.objects.aggregate(
        queued=Count("pk", filter=Q(status=Email.Status.QUEUED)),
        overdue=Count("pk", filter=Q(status=Email.Status.QUEUED, next_attempt_at__lt=stuck_before)),
        failed=Count("pk", filter=Q(status=Email.Status.FAILED)),
        oldest_queued=Min("created_at", filter=Q(status=Email.Status.QUEUED)),
    )
    oldest = figures.pop("oldest_queued")
    figures["oldest_queued_minutes"] = int((now - oldest).total_seconds() // 60) if oldest else 0
    # Overdue means no worker is sending; failed means a moderator must look.
    figures["status"] = "ok" if not figures["overdue"] and not figures["failed"] else "attention"
    return figures


def outbox_list(*, status=""):
    """The outbox, newest first, optionally one status; the moderators' page pages through it."""
    emails = Email.objects.only(
        "to",
        "subject",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )
    if status:
        emails = emails.filter(status=status)
    return emails


def outbox_counts() -> dict:
    """How many emails are in each state, for the tabs of the moderators' page."""
    rows = Email.objects.values_list("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(Email.Status.values, 0)
    counts.update(dict(rows))
    return counts
