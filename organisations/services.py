"""Writes to organisations: moderation decisions. Views, admin actions and commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Organisation

DECIDED = {
    Organisation.Status.APPROVED: "approved",
    Organisation.Status.REJECTED: "rejected",
    Organisation.Status.ARCHIVED: "archived",
}


def decision_summary(organisation: Organisation) -> str:
    """Who decided the registration and when, e.g. "Priya Shah approved this registration at 14:32
    on 4 December 2026"; empty while it waits for a decision."""
    verb = DECIDED.get(organisation.status)
    if verb is None:
        return ""
    if organisation.reviewed_at is None:
        return f"This registration is {verb}"
    when = timezone.localtime(organisation.reviewed_at)
    moment = f"at {when:%H:%M} on {when.day} {when:%B %Y}"
    reviewer = organisation.reviewed_by
    if reviewer is None:
        return f"This registration was {verb} {moment}"
    return f"{reviewer.get_full_name() or reviewer.get_username()} {verb} this registration {moment}"


def _record_decision(*, organisation, needs, status, reviewer, reason, change_reason):
    """Apply a decision to the organisation as it is now, locked: of two moderators deciding at
    once, the second waits for the first and is then refused, so one decision (and email) wins."""
    # No join to the reviewer: a row re-read after waiting for the lock keeps a join's old values.
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status not in needs:
        raise ValidationError(
            f"{decision_summary(locked)}, so your decision was not applied.", code="already_decided"
        )
    locked.status = status
    locked.status_reason = reason
    locked.reviewed_by = reviewer
    locked.reviewed_at = timezone.now()
    locked.full_clean()
    locked._change_reason = change_reason
    locked._history_user = reviewer
    locked.save()
    return locked


@transaction.atomic
def organisation_approve(*, organisation: Organisation, reviewer) -> Organisation:
    """Approve a registration: it then shows in the matrix and on officers' pages."""
    return _record_decision(
        organisation=organisation,
        needs={Organisation.Status.PENDING},
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
        needs={Organisation.Status.PENDING},
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
        needs=set(Organisation.Status) - {Organisation.Status.ARCHIVED},
        status=Organisation.Status.ARCHIVED,
        reviewer=reviewer,
        reason=(reason or "").strip(),
        change_reason="Archived",
    )
