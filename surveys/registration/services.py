"""Writes of the registration journey and the update link: a new group, its changes,
confirmations, link requests, deletion requests and freshness reminders.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from organisations.duplicates import duplicate_pool, likely_duplicates
from organisations.models import Organisation

from .. import emails
from ..models import Interest, OrganisationUpdate
from ..submissions import first_send
from ..tokens import LinkProblem, link_use, retire_links
from .answers import SERVICE_PREFIX, RegistrationAnswers, interest_values


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


def interests_save(*, organisation, answers: RegistrationAnswers, new_organisation=False):
    """Make the organisation's interests in the answers' round exactly the ones it chose.

    A fixed number of queries however many services were chosen: a new group's interests are
    inserted together (with their history), changed ones are saved one by one. A service left out
    is marked withdrawn, not deleted: the officer's assessment of it is the council's own work.
    A withdrawn service chosen again is current again, with its assessment.
    """
    now, survey = timezone.now(), answers.survey
    existing = (
        {}
        if new_organisation
        else {i.service_area_id: i for i in Interest.objects.filter(survey=survey, organisation=organisation)}
    )
    kept, added = [], []
    for service in dict.fromkeys(answers.services):
        values = interest_values(answers.cleaned[SERVICE_PREFIX + service.slug])
        interest = existing.pop(service.pk, None)
        if interest is None:
            interest = Interest(survey=survey, organisation=organisation, service_area=service)
            added.append(interest)
        for name, value in values.items():
            setattr(interest, name, value)
        interest.withdrawn_at = None
        # The round, the group and the service are in hand, and this loop makes one interest per
        # service: only the answers themselves need checking, with no query per interest.
        interest.full_clean(exclude=["survey", "organisation", "service_area"], validate_constraints=False)
        kept.append(interest)
    for interest in kept:
        if interest not in added:
            interest.save()
    bulk_create_with_history(added, Interest, default_change_reason=None)
    for interest in existing.values():
        if interest.withdrawn_at is None:
            interest.withdrawn_at = now
            interest._change_reason = "Withdrawn by the group"
            interest.save()
    return kept


@transaction.atomic
def registration_submit(*, answers: RegistrationAnswers, submission_key=None, now=None) -> Organisation:
    """Save a new group as pending with its interests and consent, and email it and moderators.

    The same form sent again (a double click, a retry) returns the group its first send stored.
    """
    earlier = first_send(Organisation, submission_key)
    if earlier is not None:
        return earlier
    now = now or timezone.now()
    values = answers.organisation
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
    organisation.wards.set(answers.wards)
    interests = []
    if answers.survey is not None:
        interests = interests_save(organisation=organisation, answers=answers, new_organisation=True)
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


def possibly_registered(answers: RegistrationAnswers) -> bool:
    """Whether the answers match a group already registered (for a warning that names no one)."""
    return bool(likely_duplicates(answers.organisation, duplicate_pool()))


@transaction.atomic
def update_submit(
    *, organisation: Organisation, nonce: str, answers: RegistrationAnswers, submission_key=None
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
    OrganisationUpdate.objects.filter(
        organisation=organisation, status=OrganisationUpdate.Status.PENDING
    ).update(
        status=OrganisationUpdate.Status.REJECTED,
        reason="Replaced by a later update.",
        reviewed_at=timezone.now(),
    )
    update = OrganisationUpdate(
        organisation=organisation,
        survey=answers.survey,
        answers=answers.pages,
        submission_key=submission_key,
    )
    update.full_clean()
    update.save()
    emails.update_received(update)
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
