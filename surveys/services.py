"""Writes for surveys; also keeps the Council officers group's permissions in step."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from organisations.duplicates import duplicate_pool, likely_duplicates
from organisations.models import Organisation
from organisations.services import organisation_approve, organisation_reject

from . import emails
from .journey import SERVICE_PREFIX, IncompleteAnswers, Journey, interest_values, organisation_values
from .models import (
    Assessment,
    Interest,
    OrganisationUpdate,
    ResidentResponse,
    ResidentServiceView,
    Survey,
)
from .selectors import RESIDENT_CHANNELS, services_for_round
from .tokens import retire_links

COUNCIL_OFFICERS = "Council officers"
OFFICER_VIEW_APPS = ("services", "organisations", "surveys")
OFFICER_EDIT_MODELS = ("assessment",)


def council_officers_group_ensure(*, using="default") -> Group:
    """Create the Council officers group: view everything, add and change assessments."""
    group, _ = Group.objects.using(using).get_or_create(name=COUNCIL_OFFICERS)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=OFFICER_VIEW_APPS, codename__startswith="view_"
    ) | Permission.objects.using(using).filter(
        content_type__app_label="surveys",
        content_type__model__in=OFFICER_EDIT_MODELS,
        codename__regex=r"^(add|change)_",
    )
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def assessment_save(*, interest, author, data) -> Assessment:
    """Create or update the officer's assessment of one interest; history keeps each version."""
    assessment = Assessment.objects.filter(interest=interest).first() or Assessment(interest=interest)
    for name, value in data.items():
        setattr(assessment, name, value)
    if assessment.author_id is None:
        assessment.author = author
    assessment.full_clean()
    assessment._history_user = author
    assessment.save()
    return assessment


# --- registration, moderation and updates ---------------------------------------------------


def _unique_slug(name, *, exclude_pk=None):
    base = slugify(name)[:180] or "group"
    taken = set(
        Organisation.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save_interests(*, organisation, survey, cleaned, journey, new_organisation=False):
    """Make the organisation's interests in `survey` exactly the ones in the answers.

    A fixed number of queries however many services were chosen: a new group's interests are
    inserted together (with their history), changed ones are saved one by one.
    """
    existing = (
        {}
        if new_organisation
        else {i.service_area_id: i for i in Interest.objects.filter(survey=survey, organisation=organisation)}
    )
    kept, added = [], []
    for service in dict.fromkeys(journey.chosen_services()):
        values = interest_values(cleaned[SERVICE_PREFIX + service.slug])
        interest = existing.pop(service.pk, None)
        if interest is None:
            interest = Interest(survey=survey, organisation=organisation, service_area=service)
            added.append(interest)
        for name, value in values.items():
            setattr(interest, name, value)
        # The round, the group and the service are in hand, and this loop makes one interest per
        # service: only the answers themselves need checking, with no query per interest.
        interest.full_clean(exclude=["survey", "organisation", "service_area"], validate_constraints=False)
        kept.append(interest)
    for interest in kept:
        if interest not in added:
            interest.save()
    bulk_create_with_history(added, Interest, default_change_reason=None)
    for interest in existing.values():
        interest.delete()
    return kept


@transaction.atomic
def registration_submit(*, journey: Journey, now=None) -> Organisation:
    """Save a new group as pending with its interests and consent, and email it and moderators."""
    now = now or timezone.now()
    cleaned = journey.cleaned()
    values = organisation_values(cleaned)
    pool = duplicate_pool()
    organisation = Organisation(
        **values, slug=_unique_slug(values["name"]), status=Organisation.Status.PENDING, consent_at=now
    )
    organisation.full_clean()
    organisation._change_reason = "Registered through the public journey"
    organisation.save()
    organisation.wards.set(cleaned["where"]["wards"])
    interests = []
    if journey.survey is not None:
        interests = _save_interests(
            organisation=organisation,
            survey=journey.survey,
            cleaned=cleaned,
            journey=journey,
            new_organisation=True,
        )
    duplicates = likely_duplicates({**values, "pk": organisation.pk}, pool)
    emails.registration_received(organisation, interests=interests, possible_duplicate=bool(duplicates))
    return organisation


def possibly_registered(journey: Journey) -> bool:
    """Whether the answers match a group already registered (for a warning that names no one)."""
    cleaned = journey.cleaned()
    return bool(likely_duplicates(organisation_values(cleaned), duplicate_pool()))


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


@transaction.atomic
def update_submit(*, organisation: Organisation, journey: Journey) -> OrganisationUpdate:
    """Hold a group's changed answers for review, and retire the link they came through."""
    journey.cleaned()  # every page must be complete and valid before anything is kept
    OrganisationUpdate.objects.filter(
        organisation=organisation, status=OrganisationUpdate.Status.PENDING
    ).update(
        status=OrganisationUpdate.Status.REJECTED,
        reason="Replaced by a later update.",
        reviewed_at=timezone.now(),
    )
    update = OrganisationUpdate(organisation=organisation, survey=journey.survey, answers=journey.answers)
    update.full_clean()
    update.save()
    retire_links(organisation)
    emails.update_received(update)
    return update


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
    journey = Journey(update.answers, survey=update.survey, services=services_for_round(update.survey))
    try:
        cleaned = journey.cleaned()
    except IncompleteAnswers as problem:
        raise ValidationError(
            f"The answers on the “{problem.page}” page are no longer valid; reject the update "
            "and ask the group to send it again."
        ) from None
    for name, value in organisation_values(cleaned).items():
        setattr(organisation, name, value)
    organisation.last_confirmed_at = timezone.now()
    organisation.full_clean()
    organisation._change_reason = "Update from the group accepted"
    organisation._history_user = reviewer
    organisation.save()
    organisation.wards.set(cleaned["where"]["wards"])
    if update.survey is not None:
        _save_interests(organisation=organisation, survey=update.survey, cleaned=cleaned, journey=journey)
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


@transaction.atomic
def organisation_confirm(*, organisation: Organisation) -> Organisation:
    """The group says nothing has changed: its record counts as fresh from now."""
    organisation.last_confirmed_at = timezone.now()
    organisation._change_reason = "Confirmed by the group: nothing has changed"
    organisation.save()
    retire_links(organisation)
    return organisation


@transaction.atomic
def erasure_request(*, organisation: Organisation) -> Organisation:
    """Record the group's request to delete its record, for a moderator to complete."""
    organisation.erasure_requested_at = timezone.now()
    organisation._change_reason = "The group asked for its record to be deleted"
    organisation.save()
    retire_links(organisation)
    emails.erasure_requested(organisation)
    return organisation


PERSONAL_FIELDS = (
    "contact_name",
    "contact_email",
    "contact_phone",
    "postcode",
    "public_email",
    "public_phone",
)


def _remove_personal_data(organisation, *, reason, reviewer=None):
    """Blank a group's contact details in its record and every historical copy of it."""
    blank = dict.fromkeys(PERSONAL_FIELDS, "")
    for name, value in blank.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation._change_reason = reason
    organisation._history_user = reviewer
    organisation.save()
    organisation.history.update(**blank)
    OrganisationUpdate.objects.filter(organisation=organisation).delete()


@transaction.atomic
def organisation_erase(*, organisation: Organisation, reviewer) -> Organisation:
    """Remove a group's personal data from its record and its history, and archive it."""
    organisation.status = Organisation.Status.ARCHIVED
    organisation.status_reason = "Personal data removed at the group's request."
    organisation.reviewed_by, organisation.reviewed_at = reviewer, timezone.now()
    _remove_personal_data(organisation, reason="Personal data removed on request", reviewer=reviewer)
    return organisation


CONTACT_RETENTION = datetime.timedelta(days=365)
RESPONSE_RETENTION = datetime.timedelta(days=3 * 365)
SIGN_IN_RECORD_RETENTION = datetime.timedelta(days=90)


@transaction.atomic
def retention_apply(*, now=None) -> dict:
    """Remove what the privacy notice says we keep no longer; returns what was removed."""
    now = now or timezone.now()
    closed = Organisation.objects.filter(
        status__in=[Organisation.Status.ARCHIVED, Organisation.Status.REJECTED],
        reviewed_at__lt=now - CONTACT_RETENTION,
    ).exclude(**dict.fromkeys(PERSONAL_FIELDS, ""))
    contacts = 0
    for organisation in closed:
        _remove_personal_data(organisation, reason="Contact details removed after 12 months")
        contacts += 1
    updates, _ = (
        OrganisationUpdate.objects.exclude(status=OrganisationUpdate.Status.PENDING)
        .filter(reviewed_at__lt=now - CONTACT_RETENTION)
        .delete()
    )
    old_rounds = Survey.objects.resident_views().filter(closes_at__lt=now - RESPONSE_RETENTION)
    responses = ResidentResponse.objects.filter(survey__in=old_rounds).count()
    ResidentResponse.objects.filter(survey__in=old_rounds).delete()
    cutoff = now - SIGN_IN_RECORD_RETENTION
    sign_ins = sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )
    return {
        "contact details removed": contacts,
        "decided updates deleted": updates,
        "resident responses deleted": responses,
        "sign-in records deleted": sign_ins,
    }


@transaction.atomic
def resident_response_submit(*, survey, ward, age_band, answers) -> ResidentResponse:
    """Store one resident's anonymous answers: the response and every service's view, or nothing.

    `answers` maps each ServiceArea to the resident's view of it and the ways of running it they
    would accept, e.g. {parks: ("willing", ["volunteers", "community_group"])}.
    """
    if not survey.is_open():
        raise ValidationError("This residents’ survey is not open.")
    if not answers:
        raise ValidationError("Answer at least one question before sending your answers.")
    asked = set(survey.covered_services().values_list("pk", flat=True))
    unknown = sorted(service.name for service in answers if service.pk not in asked)
    if unknown:
        raise ValidationError(f"This survey does not ask about {', '.join(unknown)}.")
    channel_fields = {value: name for value, name, _label in RESIDENT_CHANNELS}
    # Only the hour is kept, so an answer cannot be matched to a visit in the web server's logs.
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    response = ResidentResponse(
        survey=survey, ward=ward, age_band=age_band or "", submitted_at=max(hour, survey.opens_at)
    )
    # The round and the ward are records in hand, so their existence needs no query.
    response.full_clean(exclude=["survey", "ward"])
    response.save()
    views = []
    for service, (view, channels) in answers.items():
        unknown_channels = set(channels) - set(channel_fields)
        if unknown_channels:
            listed = ", ".join(sorted(unknown_channels))
            raise ValidationError(f"Unknown ways of running a service: {listed}.")
        service_view = ResidentServiceView(
            response=response,
            service_area=service,
            view=view,
            **{name: value in channels for value, name in channel_fields.items()},
        )
        # The response was saved above, every service was checked against the round, and
        # `answers` is keyed by service: one view each. Checking that again would cost three
        # queries per service.
        service_view.full_clean(exclude=["response", "service_area"], validate_constraints=False)
        views.append(service_view)
    ResidentServiceView.objects.bulk_create(views)
    return response
