"""A registration is decided once: a second moderator is told who decided it and when."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations import services as decisions
from outbox.models import Email
from surveys.moderation import services

CHANGELIST = reverse("admin:organisations_organisation_changelist")


def _emails_to(address):
    """The kinds of email queued for an address, oldest first."""
    return list(Email.objects.filter(to=address).order_by("pk").values_list("kind", flat=True))


def _at(moment):
    when = timezone.localtime(moment)
    return f"{when:%H:%M} on {when.day} {when:%B %Y}"


@pytest.fixture
def priya(officer):
    officer.first_name, officer.last_name = "Priya", "Shah"
    officer.save()
    return officer


@pytest.fixture
def group(make_organisation):
    return make_organisation(
        status="pending", name="Riverside Allotments", contact_email="hi@riverside.example"
    )


def _signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.mark.django_db
@pytest.mark.parametrize(
    "second_decision",
    [{"action": "reject", "reason": "Outside the borough."}, {"action": "approve"}],
    ids=["then reject", "then approve"],
)
def test_the_second_moderator_sees_who_approved_it_and_when(priya, admin_user_, group, second_decision):
    url = reverse("surveys:moderation_registration", args=[group.pk])
    first, second = _signed_in(priya), _signed_in(admin_user_)
    assert "Decide" in second.get(url).content.decode()  # both have the page open

    first.post(url, {"action": "approve"})
    response = second.post(url, second_decision, follow=True)

    assert response.redirect_chain[-1][0] == url
    group.refresh_from_db()
    assert (group.status, group.reviewed_by, group.status_reason) == ("approved", priya, "")
    page = response.content.decode()
    assert f"Priya Shah approved this registration at {_at(group.reviewed_at)}" in page
    assert "Decide" not in page
    assert _emails_to(group.contact_email) == ["registration_approved"]
    assert group.history.count() == 2  # created, approved


@pytest.mark.django_db
def test_the_registration_page_says_who_rejected_it_and_when(priya, admin_user_, group):
    services.registration_reject(organisation=group, reviewer=priya, reason="Outside the borough.")
    group.refresh_from_db()
    page = _signed_in(admin_user_).get(reverse("surveys:moderation_registration", args=[group.pk]))
    assert f"Priya Shah rejected this registration at {_at(group.reviewed_at)}" in page.content.decode()


@pytest.mark.django_db
def test_a_reviewer_without_a_full_name_is_named_by_username(officer, group):
    services.registration_approve(organisation=group, reviewer=officer)
    with pytest.raises(ValidationError) as refused:
        decisions.organisation_reject(organisation=group, reviewer=officer, reason="Changed my mind.")
    group.refresh_from_db()
    assert f"officer approved this registration at {_at(group.reviewed_at)}" in refused.value.messages[0]
    assert group.status == "approved"


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["approved", "rejected", "archived"])
def test_approving_or_rejecting_needs_a_pending_registration(officer, make_organisation, status):
    decided = make_organisation(status=status, status_reason="Decided earlier.")
    for decide in (
        lambda: services.registration_approve(organisation=decided, reviewer=officer),
        lambda: services.registration_reject(organisation=decided, reviewer=officer, reason="No."),
    ):
        with pytest.raises(ValidationError):
            decide()
    decided.refresh_from_db()
    assert (decided.status, decided.reviewed_by) == (status, None)
    assert _emails_to(decided.contact_email) == []


@pytest.mark.django_db
def test_archiving_an_archived_organisation_is_refused(officer, make_organisation):
    archived = make_organisation(status="archived")
    with pytest.raises(ValidationError):
        decisions.organisation_archive(organisation=archived, reviewer=officer)
    archived.refresh_from_db()
    assert archived.reviewed_by is None


@pytest.mark.django_db
def test_the_admin_action_names_the_moderator_who_decided_first(priya, admin_user_, group, make_organisation):
    waiting = make_organisation(status="pending", contact_email="hi@waiting.example")
    services.registration_reject(organisation=group, reviewer=priya, reason="Outside the borough.")
    group.refresh_from_db()
    response = _signed_in(admin_user_).post(
        CHANGELIST, {"action": "approve", ACTION_CHECKBOX_NAME: [group.pk, waiting.pk]}, follow=True
    )
    page = response.content.decode()
    assert "Approved 1 organisation." in page
    assert f"Priya Shah rejected this registration at {_at(group.reviewed_at)}" in page
    group.refresh_from_db()
    waiting.refresh_from_db()
    assert (group.status, waiting.status) == ("rejected", "approved")
    assert _emails_to(group.contact_email) == ["registration_rejected"]
    assert _emails_to(waiting.contact_email) == ["registration_approved"]
