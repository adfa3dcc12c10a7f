"""Writes for surveys; also keeps the Council officers group's permissions in step."""

import datetime
import re
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from organisations.duplicates import duplicate_pool, likely_duplicates
from organisations.models import Organisation
from organisations.services import organisation_approve, organisation_reject
from outbox.services import emails_erase

from . import emails
from .journey import (
    REGISTRATION_SESSION,
    SERVICE_PREFIX,
    UPDATE_SESSION_PREFIX,
    IncompleteAnswers,
    Journey,
    interest_values,
    organisation_values,
    update_session_key,
)
from .models import (
    Assessment,
    Interest,
    OrganisationUpdate,
    ResidentResponse,
    ResidentServiceView,
    Survey,
)
from .selectors import PERSONAL_FIELDS, RESIDENT_CHANNELS, first_send, services_for_round
from .tokens import LinkProblem, link_use, retire_links

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
def registration_submit(*, journey: Journey, submission_key=None, now=None) -> Organisation:
    """Save a new group as pending with its interests and consent, and email it and moderators.

    The same form sent again (a double click, a retry) returns the group its first send stored.
    """
    earlier = first_send(Organisation, submission_key)
    if earlier is not None:
        return earlier
    now = now or timezone.now()
    cleaned = journey.cleaned()
    values = organisation_values(cleaned)
    pool = duplicate_pool()
    organisation = Organisation(
        **values, status=Organisation.Status.PENDING, consent_at=now, submission_key=submission_key
    )
    # The slug and the key are unique in the database, which settles a race the checks cannot.
    organisation.full_clean(exclude=["slug", "submission_key"])
    organisation._change_reason = "Registered through the public journey"
    earlier = _organisation_insert(organisation)
    if earlier is not None:
        return earlier
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


SLUG_ATTEMPTS = 5


def _organisation_insert(organisation):
    """Insert a new group under the first free slug; None, or the group this form's first send stored.

    A send racing another send of the same form waits for it and then finds its group by the key;
    two groups of the same name sent at once make the second take the next free slug.
    """
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        organisation.slug = _unique_slug(organisation.name)
        try:
            with transaction.atomic():
                organisation.save()
            return None
        except IntegrityError:
            earlier = first_send(Organisation, organisation.submission_key)
            if earlier is not None:
                return earlier
            slug_taken = Organisation.objects.filter(slug=organisation.slug).exists()
            if not slug_taken or attempt == SLUG_ATTEMPTS:
                raise


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
def update_submit(
    *, organisation: Organisation, nonce: str, journey: Journey, submission_key=None
) -> OrganisationUpdate:
    """Hold a group's changed answers for review, using up the link they came through."""
    try:
        link_use(organisation, nonce)
    except LinkProblem:
        # The same form sent twice at once: the first send used the link and holds the changes.
        earlier = first_send(OrganisationUpdate, submission_key)
        if earlier is None:
            raise
        return earlier
    journey.cleaned()  # every page must be complete and valid before anything is kept
    OrganisationUpdate.objects.filter(
        organisation=organisation, status=OrganisationUpdate.Status.PENDING
    ).update(
        status=OrganisationUpdate.Status.REJECTED,
        reason="Replaced by a later update.",
        reviewed_at=timezone.now(),
    )
    update = OrganisationUpdate(
        organisation=organisation,
        survey=journey.survey,
        answers=journey.answers,
        submission_key=submission_key,
    )
    update.full_clean()
    update.save()
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
def update_link_request(*, email: str) -> int:
    """Email a new link to each approved group with this contact address; earlier links stop working.

    Returns how many groups were sent one; the page says the same whatever the number.
    """
    organisations = Organisation.objects.approved().filter(contact_email__iexact=email.strip())
    sent = 0
    for organisation in organisations:
        retire_links(organisation)
        emails.link_requested(organisation)
        sent += 1
    return sent


@transaction.atomic
def organisation_confirm(*, organisation: Organisation, nonce: str) -> Organisation:
    """The group says nothing has changed, through its link: its record counts as fresh from now."""
    link_use(organisation, nonce)
    # The row is now locked by this transaction: save what it holds, not what the link first read.
    organisation.refresh_from_db()
    organisation.last_confirmed_at = timezone.now()
    organisation._change_reason = "Confirmed by the group: nothing has changed"
    organisation.save()
    return organisation


@transaction.atomic
def erasure_request(*, organisation: Organisation, nonce: str) -> Organisation:
    """Record the group's request, through its link, to delete its record, for a moderator."""
    link_use(organisation, nonce)
    organisation.refresh_from_db()
    organisation.erasure_requested_at = timezone.now()
    organisation._change_reason = "The group asked for its record to be deleted"
    organisation.save()
    emails.erasure_requested(organisation)
    return organisation


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
    # Emails about the group hold its contact's address and name: sent or waiting, they go too.
    emails_erase(organisation=organisation)


@transaction.atomic
def organisation_erase(*, organisation: Organisation, reviewer) -> Organisation:
    """Remove a group's personal data from its record and its history, and archive it."""
    organisation.status = Organisation.Status.ARCHIVED
    organisation.status_reason = "Personal data removed at the group's request."
    organisation.reviewed_by, organisation.reviewed_at = reviewer, timezone.now()
    _drafts_remove(organisation)
    _remove_personal_data(organisation, reason="Personal data removed on request", reviewer=reviewer)
    return organisation


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


@transaction.atomic
def sessions_clear_expired() -> None:
    """Delete expired sessions: an abandoned draft would otherwise keep a contact's details."""
    _session_store().clear_expired()


def _phone_digits(phone):
    digits = re.sub(r"\D", "", phone or "")
    return "0" + digits[2:] if digits.startswith("44") else digits


def _contact_of(draft):
    """(email, name, phone) typed on a draft's contact page, compared loosely; blanks if none."""
    contact = draft.get("contact") if isinstance(draft, dict) else None
    if not isinstance(contact, dict):
        return "", "", ""

    def last(name):
        values = contact.get(name) or [""]
        return str(values[-1] if isinstance(values, list) else values)

    return (
        last("contact_email").strip().casefold(),
        " ".join(last("contact_name").split()).casefold(),
        _phone_digits(last("contact_phone")),
    )


def _drafts_remove(organisation):
    """End every session holding a draft about the group or with its contact's details.

    Drafts live only in sessions (the database store), so each is decoded and read; an erasure
    is rare, and sessions last hours.
    """
    email, name, phone = _contact_of(
        {
            "contact": {
                "contact_email": [organisation.contact_email],
                "contact_name": [organisation.contact_name],
                "contact_phone": [organisation.contact_phone],
            }
        }
    )
    own_draft = update_session_key(organisation)
    store = _session_store()
    doomed = []
    for session in store.get_model_class().objects.iterator():
        data = store().decode(session.session_data)
        for key, draft in data.items():
            if key != REGISTRATION_SESSION and not key.startswith(UPDATE_SESSION_PREFIX):
                continue
            typed_email, typed_name, typed_phone = _contact_of(draft)
            if (
                key == own_draft
                or (email and typed_email == email)
                or (name and phone and (typed_name, typed_phone) == (name, phone))
            ):
                doomed.append(session.session_key)
                break
    for session_key in doomed:
        store(session_key=session_key).delete()


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
def resident_response_submit(*, survey, ward, age_band, answers, submission_key=None) -> ResidentResponse:
    """Store one resident's anonymous answers: the response and every service's view, or nothing.

    `answers` maps each ServiceArea to the resident's view of it and the ways of running it they
    would accept, e.g. {parks: ("willing", ["volunteers", "community_group"])}. The same form sent
    again (a double click, a retry) returns the response its first send stored: counted once.
    """
    earlier = first_send(ResidentResponse, submission_key)
    if earlier is not None:
        return earlier
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
        survey=survey,
        ward=ward,
        age_band=age_band or "",
        submitted_at=max(hour, survey.opens_at),
        submission_key=submission_key,
    )
    # The round and the ward are records in hand, so their existence needs no query; the key is
    # unique in the database, which settles two sends at once where a check could not.
    response.full_clean(exclude=["survey", "ward", "submission_key"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        earlier = first_send(ResidentResponse, submission_key)
        if earlier is None:
            raise
        return earlier
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


def freshness_reminders_send(*, now=None) -> int:
    """Email a fresh link, once, to each approved group not confirmed for FRESHNESS_REMINDER_DAYS.

    A group counts as confirmed when it registered, was approved, confirmed nothing had changed,
    or had an update accepted. It is reminded once; after its next confirmation the clock starts
    again. Each group is its own transaction, so one bad record does not stop the rest.
    """
    now = now or timezone.now()
    due_before = now - datetime.timedelta(days=settings.FRESHNESS_REMINDER_DAYS)
    due = (
        Organisation.objects.approved()
        .exclude(contact_email="")
        .filter(erasure_requested_at__isnull=True)
        .annotate(last_checked=Coalesce("last_confirmed_at", "reviewed_at", "created_at"))
        .filter(last_checked__lt=due_before)
        .filter(
            Q(freshness_reminder_sent_at__isnull=True) | Q(freshness_reminder_sent_at__lt=F("last_checked"))
        )
    )
    sent = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            group = Organisation.objects.select_for_update().get(pk=pk)
            last_checked = group.last_confirmed_at or group.reviewed_at or group.created_at
            if group.freshness_reminder_sent_at and group.freshness_reminder_sent_at >= last_checked:
                continue  # another run reminded it a moment ago
            retire_links(group)
            emails.freshness_reminder(group)
            Organisation.objects.filter(pk=pk).update(freshness_reminder_sent_at=now)
            sent += 1
    return sent
