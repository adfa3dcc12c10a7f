"""Two moderators deciding the same thing at the same moment: exactly one decision applies."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from organisations.models import Organisation
from outbox.models import Email
from surveys.models import OrganisationUpdate
from surveys.moderation import services
from surveys.registration.journey import answers_from_organisation

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two real connections with row locks (PostgreSQL)"
)


def _emails_to(address):
    """The kinds of email queued for an address, oldest first."""
    return list(Email.objects.filter(to=address).order_by("pk").values_list("kind", flat=True))


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
    start = threading.Barrier(2)
    outcomes = []

    def accept(reviewer):
        try:
            start.wait(timeout=10)
            services.update_accept(update=update, reviewer=reviewer)
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except Exception as error:  # noqa: BLE001 - any other failure must show in the assertion
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (officer, admin_user_)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["This update has already been dealt with.", "accepted"]
    update.refresh_from_db()
    friends.refresh_from_db()
    assert update.status == "accepted" and friends.volunteers == 77
    assert friends.history.count() == history_before + 1


def _race(*decisions):
    """Run each decision in its own thread and connection, all released at once; what each got."""
    start = threading.Barrier(len(decisions))
    outcomes = [None] * len(decisions)

    def run(index, decide):
        try:
            start.wait(timeout=10)
            decide()
            outcomes[index] = "applied"
        except ValidationError as error:
            outcomes[index] = error.messages[0]
        except Exception as error:  # noqa: BLE001 - any other failure must show in the assertion
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(decisions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


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
    assert _emails_to(group.contact_email) == [f"registration_{group.status}"]
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
    assert _emails_to(group.contact_email) == ["registration_approved"]
    assert list(group.history.values_list("status", flat=True)) == ["approved", "pending"]
