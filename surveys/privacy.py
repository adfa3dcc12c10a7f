"""Personal data: a group's copy of its data, erasure, and the retention periods."""

import datetime
import re
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation
from outbox.services import emails_erase

from .models import Interest, OrganisationUpdate, ResidentResponse, Survey
from .registration.sessions import REGISTRATION_SESSION, UPDATE_SESSION_PREFIX, update_session_key

# A group's contact details: personal data under UK GDPR, removed on erasure and after retention.
PERSONAL_FIELDS = (
    "contact_name",
    "contact_email",
    "contact_phone",
    "postcode",
    "public_email",
    "public_phone",
)


def _history_record(entry, fields, current):
    """A history entry as the group may see it: an earlier contact's details are not theirs."""
    record = {}
    for name in fields:
        value = getattr(entry, name, None)
        if name in PERSONAL_FIELDS and value and value != current[name]:
            continue
        record[name] = value
    return record


def organisation_data(organisation):
    """Everything held about a group, for the group itself (a UK GDPR access request).

    The history says when and how the record changed, but holds personal data only where it is
    the current contact's own (UK GDPR Art. 15(4): a copy must not hand over others' data).
    """
    internal = {"link_nonce", "reviewed_by", "submission_key"}
    fields = [f.name for f in Organisation._meta.fields if f.name not in internal]
    current = {name: getattr(organisation, name) for name in PERSONAL_FIELDS}
    interests = Interest.objects.filter(organisation=organisation).select_related("survey", "service_area")
    return {
        "reference": organisation.reference,
        "org_id": organisation.org_id,
        "record": {name: getattr(organisation, name) for name in fields},
        "wards": [f"{w.name} ({w.gss_code})" for w in organisation.wards.order_by("name")],
        "interests": [
            {
                "round": i.survey.title,
                "service": i.service_area.name,
                "delivers": i.delivers,
                "co_governs": i.co_governs,
                "involvement": i.get_involvement_display(),
                "readiness": i.get_readiness_display(),
                "volunteers_offered": i.volunteers_offered,
                "hours_per_week": i.hours_per_week,
                "support_needed": i.support_needed_labels(),
                "costs": i.costs,
                "benefits": i.benefits,
                "concerns": i.concerns,
                # Kept with the council's assessment of it after the group withdrew the offer.
                "withdrawn_at": i.withdrawn_at,
            }
            for i in interests
        ],
        "history": [
            {
                "date": h.history_date,
                "change": h.get_history_type_display(),
                "reason": h.history_change_reason or "",
                "record": _history_record(h, fields, current),
            }
            for h in organisation.history.order_by("history_date")
        ],
    }


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
