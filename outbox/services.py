"""Writes to the outbox: queue an email with the change that causes it, send it, retry, resend."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .backends import REFUSED, PermanentEmailError
from .models import Email
from .tasks import send_email

logger = logging.getLogger(__name__)

LONGEST_RETRY = datetime.timedelta(hours=1)


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the given number of failed attempts: 1, 2, 4 … minutes, at most 1 hour."""
    first = datetime.timedelta(seconds=settings.OUTBOX_FIRST_RETRY_SECONDS)
    return min(first * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _schedule(email, *, at=None):
    """Ask the worker to try the email at `at` (now by default); written in the caller's transaction."""
    when = at if at is not None and at > timezone.now() else None
    (send_email.using(run_after=when) if when else send_email).enqueue(email.pk)


def email_queue(*, to: str, subject: str, body: str, kind: str, organisation=None) -> Email:
    """Put one email in the outbox, in the caller's transaction: it goes only if the change commits."""
    # One line: a line break in a subject makes a header that sending refuses.
    subject = " ".join(subject.split())
    email = Email(to=to, subject=subject, body=body, kind=kind, organisation=organisation)
    email.full_clean(exclude=["organisation"])
    email.save()
    _schedule(email)
    return email


def _deliver(email) -> str:
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers={"X-Capacity-Map-Reference": f"email-{email.pk}"},
    )
    message.send(fail_silently=False)
    return getattr(message, "provider_reference", "")


@transaction.atomic
def email_send(*, email_id: int) -> str:
    """Send a queued email once; on failure, schedule the next try or mark it failed for good."""
    email = Email.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
    if email is None or email.status != Email.Status.QUEUED:
        # Sent, cancelled, failed for good, or another worker has it in hand right now.
        return "nothing to do"
    email.attempts += 1
    now = timezone.now()
    try:
        email.provider_reference = _deliver(email)[:100]
    except PermanentEmailError as error:
        email.status, email.last_error = Email.Status.FAILED, str(error)[:2000]
        logger.warning("Email %s failed for good: %s", email.pk, error)
    except Exception as error:  # noqa: BLE001 - any fault of the mail server is retried
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            email.status = Email.Status.FAILED
            logger.warning("Email %s failed after %s attempts: %s", email.pk, email.attempts, error)
        else:
            email.next_attempt_at = now + retry_delay(email.attempts)
            _schedule(email, at=email.next_attempt_at)
            logger.info("Email %s not sent (attempt %s), next try at %s", email.pk, email.attempts, error)
    else:
        email.status, email.sent_at, email.last_error = Email.Status.SENT, now, ""
    email.save()
    return email.status


@transaction.atomic
def email_resend(*, email: Email) -> Email:
    """Queue a failed (or stuck) email again, with a fresh set of attempts."""
    email = Email.objects.select_for_update().get(pk=email.pk)
    if email.status not in (Email.Status.FAILED, Email.Status.QUEUED):
        return email
    email.status, email.attempts, email.next_attempt_at = Email.Status.QUEUED, 0, timezone.now()
    email.save()
    _schedule(email)
    return email


def outbox_retry(*, now=None) -> int:
    """Queue a new try for every email that is overdue (its task was lost) or failed in the last week.

    Part of the daily job, so an email whose worker task went missing, or that failed while the
    mail server was down for longer than the retries last, still goes.
    """
    now = now or timezone.now()
    grace = datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
    stuck = list(Email.objects.overdue(now=now, grace=grace))
    failed = list(
        Email.objects.filter(
            status=Email.Status.FAILED, created_at__gte=now - datetime.timedelta(days=7)
        ).exclude(last_error__startswith=REFUSED)
    )
    for email in stuck + failed:
        email_resend(email=email)
    return len(stuck) + len(failed)


SENT_RETENTION = datetime.timedelta(days=90)


def outbox_retention_apply(*, now=None) -> int:
    """Delete emails (they hold addresses, names and links) 90 days after they were sent or given up."""
    now = now or timezone.now()
    deleted, _ = (
        Email.objects.exclude(status=Email.Status.QUEUED).filter(created_at__lt=now - SENT_RETENTION).delete()
    )
    return deleted


def emails_erase(*, organisation) -> int:
    """Delete every email about a group (sent or waiting), for erasure of its personal data."""
    deleted, _ = Email.objects.filter(organisation=organisation).delete()
    return deleted
