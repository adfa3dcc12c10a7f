"""The email outbox: every email the service sends is written here first, in the same transaction
as the change that causes it, and a background worker sends it (with retries)."""

from django.db import models
from django.utils import timezone


class EmailQuerySet(models.QuerySet):
    def backlog(self):
        """Emails still waiting to go (queued, or being retried)."""
        return self.filter(status=Email.Status.QUEUED)

    def overdue(self, *, now=None, grace=None):
        """Queued emails whose next attempt should already have happened."""
        now = now or timezone.now()
        cutoff = now - grace if grace is not None else now
        return self.backlog().filter(next_attempt_at__lt=cutoff)


class Email(models.Model):
    """One email to one address, and what happened when the service tried to send it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    to = models.EmailField("to", max_length=254)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    kind = models.CharField(
        max_length=50, help_text="Which of the service's emails this is, e.g. registration_approved."
    )
    # Which group the email is about, so erasure and retention can find its emails. The outbox
    # knows nothing else about organisations.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True, max_length=2000)
    provider_reference = models.CharField(
        max_length=100, blank=True, help_text="The email provider's id for the message, when it gives one."
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="email_status_next_idx"),
            models.Index(fields=["organisation"], name="email_organisation_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="email_sent_has_time",
            )
        ]

    def __str__(self):
        return f"{self.subject} to {self.to} ({self.get_status_display().lower()})"
