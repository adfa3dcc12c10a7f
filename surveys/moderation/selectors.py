"""Reads for moderators: the queue, likely duplicates, and what an update would change."""

from dataclasses import dataclass

from organisations.models import Organisation

from ..rounds import services_for_round


@dataclass
class ModerationQueue:
    registrations: list  # (organisation, [likely duplicate organisations])
    updates: list
    erasures: list
    failed_emails: int = 0


def moderation_queue():
    """New registrations and pending updates, oldest first, with likely duplicates flagged."""
    from organisations.duplicates import duplicate_pool, likely_duplicates
    from outbox.models import Email

    from ..models import OrganisationUpdate

    pending = list(Organisation.objects.pending().order_by("created_at", "pk"))
    pool = duplicate_pool()
    matches = {o.pk: likely_duplicates({"pk": o.pk, **_numbers_and_name(o)}, pool) for o in pending}
    wanted = {pk for found in matches.values() for pk in found}
    by_pk = Organisation.objects.in_bulk(wanted)
    return ModerationQueue(
        registrations=[(o, [by_pk[pk] for pk in matches[o.pk]]) for o in pending],
        updates=list(
            OrganisationUpdate.objects.filter(status=OrganisationUpdate.Status.PENDING)
            .select_related("organisation")
            .order_by("submitted_at", "pk")
        ),
        erasures=list(
            Organisation.objects.filter(erasure_requested_at__isnull=False)
            .exclude(status=Organisation.Status.ARCHIVED)
            .order_by("erasure_requested_at")
        ),
        failed_emails=Email.objects.filter(status=Email.Status.FAILED).count(),
    )


def _numbers_and_name(organisation):
    return {
        name: getattr(organisation, name)
        for name in ("name", "charity_number", "company_number", "society_number")
    }


def likely_duplicates_of(organisation):
    """Other records that share a number or a near-identical name with this one."""
    from organisations.duplicates import duplicate_pool, likely_duplicates

    found = likely_duplicates({"pk": organisation.pk, **_numbers_and_name(organisation)}, duplicate_pool())
    return list(Organisation.objects.filter(pk__in=found).order_by("name"))


@dataclass
class Change:
    section: str
    question: str
    approved: str
    proposed: str


WITHDRAWN_WITH_ASSESSMENT = "Withdrawn — the officer’s assessment is kept, marked withdrawn"
ADDED_AGAIN_WITH_ASSESSMENT = "Added again — the officer’s earlier assessment applies again"


def _assessed_services(update):
    """{service id: withdrawn?} for the group's interests in the update's round that an officer assessed."""
    from ..models import Interest

    if update.survey is None:
        return {}
    return {
        service_id: withdrawn_at is not None
        for service_id, withdrawn_at in Interest.objects.filter(
            organisation=update.organisation, survey=update.survey, assessment__isnull=False
        ).values_list("service_area_id", "withdrawn_at")
    }


def update_changes(update):
    """What an update would change, question by question and interest by interest."""
    from ..registration.journey import Journey, answers_from_organisation

    services = services_for_round(update.survey)
    current = Journey(
        answers_from_organisation(update.organisation, survey=update.survey),
        survey=update.survey,
        services=services,
    )
    proposed = Journey(update.answers, survey=update.survey, services=services)
    current_pages = current.summary()
    before = {page.title: dict(rows) for page, rows in current_pages}
    proposed_pages = proposed.summary()
    after = {page.title: dict(rows) for page, rows in proposed_pages}
    service_of = {page.title: page.service for page, _ in current_pages + proposed_pages if page.service}
    assessed = _assessed_services(update)
    changes = []
    for section in list(before) + [s for s in after if s not in before]:
        old_rows, new_rows = before.get(section), after.get(section)
        service = service_of.get(section)
        # None: no assessment; True: assessed, and the interest withdrawn; False: assessed and current.
        assessed_withdrawn = assessed.get(service.pk) if service is not None else None
        if old_rows is None:
            outcome = ADDED_AGAIN_WITH_ASSESSMENT if assessed_withdrawn else "Added"
            changes.append(Change(section, "Interest", "None", outcome))
        elif new_rows is None:
            outcome = WITHDRAWN_WITH_ASSESSMENT if assessed_withdrawn is False else "Withdrawn"
            changes.append(Change(section, "Interest", "Registered", outcome))
        for question in (new_rows or {}) if old_rows is not None and new_rows is not None else []:
            if old_rows.get(question) != new_rows.get(question):
                old = old_rows.get(question, "Not given")
                changes.append(Change(section, question, old, new_rows[question]))
    return changes
