"""Two moderators deciding the same thing at the same moment: exactly one decision applies."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from organisations.models import Organisation
from surveys.models import OrganisationUpdate
from surveys.moderation import services
from surveys.registration.journey import answers_from_organisation
from tests.concurrency import emails_to, race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two real connections with row locks (PostgreSQL)"
)


def _outcome(result):
    """What one moderator got: "applied", the refusal's message, or the unexpected failure."""
    if isinstance(result, ValidationError):
        return result.messages[0]
    return repr(result) if isinstance(result, Exception) else "applied"


@pytest.mark.django_db(transaction=True)
def test_the_same_update_is_applied_once(borough, officer, admin_user_):
    friends = borough["friends"]
    answers = answers_from_organisation(friends, survey=borough["current"])
    answers["size"]["volunteers"] = ["77"]
    answers["contact"].update(contact_name=["Ada Lovelace"], consent=["on"])
    update = OrganisationUpdate.objects.create(
        organisation=friends, survey=borough["current"], answers=answers
    )
    history_before = friends.history.count()
    results = race(
        lambda: services.update_accept(update=update, reviewer=officer),
        lambda: services.update_accept(update=update, reviewer=admin_user_),
    )
    outcomes = [_outcome(r) if isinstance(r, Exception) else "accepted" for r in results]

    assert sorted(outcomes) == ["This update has already been dealt with.", "accepted"]
    update.refresh_from_db()
    friends.refresh_from_db()
    assert update.status == "accepted" and friends.volunteers == 77
    assert friends.history.count() == history_before + 1


def _race(*decisions):
    """Run each decision in its own thread and connection, all released at once; what each got."""
    return [_outcome(result) for result in race(*decisions)]


def _named(user, first_name, last_name):
    user.first_name, user.last_name = first_name, last_name
    user.save()
    return user


def _decided_by(group):
    """The sentence the moderator who lost the race is shown."""
    when = timezone.localtime(group.reviewed_at)
    verb = {"approved": "approved", "rejected": "rejected"}[group.status]
    name = group.reviewed_by.get_full_name()
    return f"{name} {verb} this registration at {when:%H:%M} on {when.day} {when:%B %Y}"


@pytest.mark.django_db(transaction=True)
def test_approve_and_reject_at_once_apply_one_decision_and_send_one_email(
    officer, admin_user_, make_organisation
):
    _named(officer, "Priya", "Shah")
    _named(admin_user_, "Tom", "Okafor")
    group = make_organisation(status="pending", contact_email="hello@riverside.example")
    stale_one, stale_two = Organisation.objects.get(pk=group.pk), Organisation.objects.get(pk=group.pk)
    outcomes = _race(
        lambda: services.registration_approve(organisation=stale_one, reviewer=officer),
        lambda: services.registration_reject(
            organisation=stale_two, reviewer=admin_user_, reason="Outside the borough."
        ),
    )
    group.refresh_from_db()
    assert outcomes.count("applied") == 1, outcomes
    assert group.status in ("approved", "rejected")
    loser = outcomes[0] if outcomes[1] == "applied" else outcomes[1]
    assert _decided_by(group) in loser
    assert group.reviewed_by == (officer if group.status == "approved" else admin_user_)
    assert group.status_reason == ("" if group.status == "approved" else "Outside the borough.")
    assert emails_to(group.contact_email) == [f"registration_{group.status}"]
    assert list(group.history.values_list("status", flat=True)) == [group.status, "pending"]


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_send_one_link(officer, admin_user_, make_organisation):
    _named(officer, "Priya", "Shah")
    _named(admin_user_, "Tom", "Okafor")
    group = make_organisation(status="pending", contact_email="hello@riverside.example")
    stale_one, stale_two = Organisation.objects.get(pk=group.pk), Organisation.objects.get(pk=group.pk)
    outcomes = _race(
        lambda: services.registration_approve(organisation=stale_one, reviewer=officer),
        lambda: services.registration_approve(organisation=stale_two, reviewer=admin_user_),
    )
    group.refresh_from_db()
    assert outcomes.count("applied") == 1, outcomes
    assert _decided_by(group) in [outcome for outcome in outcomes if outcome != "applied"][0]
    assert group.status == "approved"
    assert emails_to(group.contact_email) == ["registration_approved"]
    assert list(group.history.values_list("status", flat=True)) == ["approved", "pending"]
