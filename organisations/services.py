"""Writes to organisations: moderation decisions. Views, admin actions and commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Organisation


def _record_decision(*, organisation, status, reviewer, reason, change_reason):
    organisation.status = status
    organisation.status_reason = reason
    organisation.reviewed_by = reviewer
    organisation.reviewed_at = timezone.now()
    organisation.full_clean()
    organisation._change_reason = change_reason
    organisation.save()
    return organisation


@transaction.atomic
def organisation_approve(*, organisation: Organisation, reviewer) -> Organisation:
    """Approve a registration: it then shows in the matrix and on officers' pages."""
    return _record_decision(
        organisation=organisation,
        status=Organisation.Status.APPROVED,
        reviewer=reviewer,
        reason="",
        change_reason="Approved",
    )


@transaction.atomic
def organisation_reject(*, organisation: Organisation, reviewer, reason: str) -> Organisation:
    """Reject a registration; a reason is required and kept with the record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"status_reason": "Give a reason for rejecting this registration."})
    return _record_decision(
        organisation=organisation,
        status=Organisation.Status.REJECTED,
        reviewer=reviewer,
        reason=reason,
        change_reason=f"Rejected: {reason}"[:100],
    )


@transaction.atomic
def organisation_archive(*, organisation: Organisation, reviewer, reason: str = "") -> Organisation:
    """Archive an organisation that has closed or no longer wants to take part."""
    return _record_decision(
        organisation=organisation,
        status=Organisation.Status.ARCHIVED,
        reviewer=reviewer,
        reason=(reason or "").strip(),
        change_reason="Archived",
    )
