"""Moderators' decisions on registrations and on groups' updates.

An update keeps its answers as they were typed, so accepting it checks them again with the
journey's forms (`checked_answers`): the one write that imports the journey.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation
from organisations.services import organisation_approve, organisation_reject

from .. import emails
from ..models import OrganisationUpdate
from ..registration.journey import IncompleteAnswers, checked_answers
from ..registration.services import interests_save


@transaction.atomic
def registration_approve(*, organisation: Organisation, reviewer) -> Organisation:
    """Approve a registration and send the group its first update link."""
    organisation = organisation_approve(organisation=organisation, reviewer=reviewer)
    emails.registration_approved(organisation)
    return organisation


@transaction.atomic
def registration_reject(*, organisation: Organisation, reviewer, reason: str) -> Organisation:
    """Reject a registration; the reason is emailed to the group."""
    organisation = organisation_reject(organisation=organisation, reviewer=reviewer, reason=reason)
    emails.registration_rejected(organisation)
    return organisation


def _locked_pending(update):
    """The update, locked, if still pending: two moderators cannot apply it twice."""
    locked = (
        OrganisationUpdate.objects.select_for_update(of=("self",))
        .select_related("organisation", "survey")
        .get(pk=update.pk)
    )
    if locked.status != OrganisationUpdate.Status.PENDING:
        raise ValidationError("This update has already been dealt with.")
    return locked


@transaction.atomic
def update_accept(*, update: OrganisationUpdate, reviewer) -> OrganisationUpdate:
    """Apply a group's changes to its record and interests; the matrix shows them from now."""
    update = _locked_pending(update)
    organisation = Organisation.objects.select_for_update().get(pk=update.organisation_id)
    try:
        answers = checked_answers(update.answers, survey=update.survey)
    except IncompleteAnswers as problem:
        raise ValidationError(
            f"The answers on the “{problem.page}” page are no longer valid; reject the update "
            "and ask the group to send it again."
        ) from None
    for name, value in answers.organisation.items():
        setattr(organisation, name, value)
    organisation.last_confirmed_at = timezone.now()
    organisation.full_clean()
    organisation._change_reason = "Update from the group accepted"
    organisation._history_user = reviewer
    organisation.save()
    organisation.wards.set(answers.wards)
    if update.survey is not None:
        interests_save(organisation=organisation, answers=answers)
    update.status = OrganisationUpdate.Status.ACCEPTED
    update.reviewed_by, update.reviewed_at = reviewer, timezone.now()
    update.save()
    emails.update_decided(update)
    return update


@transaction.atomic
def update_reject(*, update: OrganisationUpdate, reviewer, reason: str) -> OrganisationUpdate:
    """Turn down a group's changes, with a reason that is emailed to the group."""
    update = _locked_pending(update)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for not accepting the changes."})
    update.status, update.reason = OrganisationUpdate.Status.REJECTED, reason
    update.reviewed_by, update.reviewed_at = reviewer, timezone.now()
    update.full_clean()
    update.save()
    emails.update_decided(update)
    return update
