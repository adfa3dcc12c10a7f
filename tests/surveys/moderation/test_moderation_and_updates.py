"""Moderation of registrations and updates, and keeping a record up to date through a link."""

import json
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from organisations.models import Organisation
from surveys.matrix.selectors import MatrixFilters, capacity_matrix
from surveys.models import Interest, OrganisationUpdate
from surveys.tokens import organisation_for_token, update_token
from tests.conftest import run_outbox_worker

from ..registration.test_registration import ALL_PAGES, fill_in


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def _matrix_grid(survey):
    matrix = capacity_matrix(filters=MatrixFilters(), survey=survey, limit=100)
    return {
        row.organisation.name: {
            c.service.slug: cell.code for c, cell in zip(matrix.columns, row.cells, strict=True) if cell
        }
        for row in matrix.rows
    }


@pytest.fixture
def registered(client, borough, django_capture_on_commit_callbacks):
    fill_in(client, ALL_PAGES)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:register_check"))
    run_outbox_worker()
    mail.outbox.clear()
    return Organisation.objects.get(name="Friends of Riverside Park")


@pytest.mark.django_db
def test_approving_puts_the_group_in_the_matrix_and_emails_a_link(
    client, officer, borough, registered, django_capture_on_commit_callbacks
):
    assert "Friends of Riverside Park" not in _matrix_grid(borough["current"])
    client.force_login(officer)
    queue = client.get(reverse("surveys:moderation")).content.decode()
    assert queue.index("Pending Group") < queue.index("Friends of Riverside Park")  # oldest first
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("surveys:moderation_registration", args=[registered.pk]), {"action": "approve"}
        )
    assert response.url == reverse("surveys:moderation")
    registered.refresh_from_db()
    assert (registered.status, registered.reviewed_by) == ("approved", officer)
    assert _matrix_grid(borough["current"])["Friends of Riverside Park"] == {"parks": "D+G", "day-care": "G"}
    run_outbox_worker()
    (email,) = mail.outbox
    assert email.to == ["ada@example.org"]
    link = next(line for line in email.body.splitlines() if "/update/" in line and "http" in line)
    token = link.rsplit("/update/", 1)[1].strip("/")
    assert organisation_for_token(token) == registered


@pytest.mark.django_db
def test_rejecting_needs_a_reason_which_is_emailed(
    client, officer, registered, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    url = reverse("surveys:moderation_registration", args=[registered.pk])
    response = client.post(url, {"action": "reject", "reason": "  "})
    assert response.status_code == 400
    assert "Enter a reason; it is emailed to the group" in response.content.decode()
    registered.refresh_from_db()
    assert registered.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "reject", "reason": "We could not find the group at this address."})
    registered.refresh_from_db()
    assert (registered.status, registered.status_reason) == (
        "rejected",
        "We could not find the group at this address.",
    )
    run_outbox_worker()
    (email,) = mail.outbox
    assert "We could not find the group at this address." in email.body


@pytest.mark.django_db
def test_moderation_is_for_officers(client, registered, django_user_model):
    assert client.get(reverse("surveys:moderation")).url.startswith("/accounts/login/")
    client.force_login(django_user_model.objects.create_user("someone"))
    assert (
        client.post(
            reverse("surveys:moderation_registration", args=[registered.pk]), {"action": "approve"}
        ).status_code
        == 403
    )
    registered.refresh_from_db()
    assert registered.status == "pending"


def _approve(organisation, officer):
    from surveys.moderation.services import registration_approve

    registration_approve(organisation=organisation, reviewer=officer)
    organisation.refresh_from_db()
    return update_token(organisation)


@pytest.mark.django_db
def test_an_update_reaches_the_matrix_only_when_accepted(
    client, officer, borough, registered, django_capture_on_commit_callbacks
):
    token = _approve(registered, officer)
    home = client.get(reverse("surveys:update", args=[token])).content.decode()
    assert "Friends of Riverside Park" in home and "Confirm nothing has changed" in home
    step = lambda key: reverse("surveys:update_step", args=[token, key])  # noqa: E731
    page = client.get(step("size")).content.decode()
    assert 'value="25"' in page  # the approved answers are filled in
    client.post(step("size") + "?change=1", {**dict(ALL_PAGES)["size"], "volunteers": "40"})
    client.post(step("services") + "?change=1", {"services": ["parks", "allotments"]})  # withdraw day care
    response = client.post(
        step("service-allotments") + "?change=1",
        {"roles": ["deliver"], "involvement": "volunteers", "readiness": "with_support"},
    )
    assert response.url == reverse("surveys:update_check", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surveys:update_check", args=[token]))
    assert response.url == reverse("surveys:update_sent")
    update = OrganisationUpdate.objects.get()
    assert update.status == "pending"
    # Held for review: the matrix still shows the approved answers, and the link is used up.
    assert _matrix_grid(borough["current"])["Friends of Riverside Park"] == {"parks": "D+G", "day-care": "G"}
    assert client.get(reverse("surveys:update", args=[token])).status_code == 410

    client.force_login(officer)
    review = client.get(reverse("surveys:moderation_update", args=[update.pk])).content.decode()
    for text in (
        "Volunteers",
        "<del>25</del>",
        "<ins>40</ins>",
        "How your group could help: Day care",
        "Withdrawn",
        "How your group could help: Allotments",
        "Added",
    ):
        assert text in review
    assert "How your group could help: Parks" not in review  # an unchanged interest is not listed
    run_outbox_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:moderation_update", args=[update.pk]), {"action": "accept"})
    registered.refresh_from_db()
    assert registered.volunteers == 40 and registered.last_confirmed_at is not None
    assert _matrix_grid(borough["current"])["Friends of Riverside Park"] == {
        "parks": "D+G",
        "allotments": "D",
    }
    # Withdrawn, not deleted: an officer's assessment of it would be kept (test_withdrawn_interests).
    withdrawn = Interest.objects.get(organisation=registered, service_area=borough["day_care"])
    assert withdrawn.withdrawn_at is not None
    run_outbox_worker()
    assert "have been accepted" in mail.outbox[0].body
    # Accepting twice does nothing more.
    again = client.post(
        reverse("surveys:moderation_update", args=[update.pk]), {"action": "accept"}, follow=True
    )
    assert "already been dealt with" in again.content.decode()


@pytest.mark.django_db
def test_rejecting_an_update_keeps_the_record(
    client, officer, registered, django_capture_on_commit_callbacks
):
    token = _approve(registered, officer)
    client.post(
        reverse("surveys:update_step", args=[token, "about"]) + "?change=1",
        {"name": "Totally Different Name", "description": ""},
    )
    client.post(reverse("surveys:update_check", args=[token]))
    update = OrganisationUpdate.objects.get()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("surveys:moderation_update", args=[update.pk]),
            {"action": "reject", "reason": "Please use your registered name."},
        )
    registered.refresh_from_db()
    assert registered.name == "Friends of Riverside Park"
    update.refresh_from_db()
    assert (update.status, update.reason) == ("rejected", "Please use your registered name.")
    run_outbox_worker()
    assert "Please use your registered name." in mail.outbox[-1].body


@pytest.mark.django_db
def test_confirm_no_changes_updates_the_last_confirmed_date(client, officer, registered):
    token = _approve(registered, officer)
    assert registered.last_confirmed_at is None
    response = client.post(reverse("surveys:update_confirm", args=[token]))
    assert "Thank you for confirming" in response.content.decode()
    registered.refresh_from_db()
    assert registered.last_confirmed_at is not None
    assert client.get(reverse("surveys:update", args=[token])).status_code == 410


@pytest.mark.django_db
def test_expired_tampered_and_other_organisation_tokens_show_a_clear_page(
    client, officer, registered, borough
):
    token = _approve(registered, officer)
    later = time.time() + 15 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.get(reverse("surveys:update", args=[token]))
    assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
    tampered = client.get(
        reverse("surveys:update", args=[token[:-2] + ("aa" if token[-2:] != "aa" else "bb")])
    )
    assert tampered.status_code == 404 and "This link is not valid" in tampered.content.decode()
    assert "Riverside" not in tampered.content.decode()
    # A token for another group cannot be made from this one: its payload is signed.
    from django.core import signing

    forged = signing.dumps({"o": borough["friends"].pk, "n": "guess"}, salt="not-the-salt", compress=True)
    response = client.get(reverse("surveys:update", args=[forged]))
    assert response.status_code == 404 and "Friends of Ashwick Park" not in response.content.decode()
    # A pending (not yet approved) group's token does not work either.
    pending = Organisation.objects.get(slug="pending")
    assert client.get(reverse("surveys:update", args=[update_token(pending)])).status_code == 404


@pytest.mark.django_db
def test_new_link_page_answers_the_same_whether_or_not_the_address_is_known(
    client, officer, registered, django_capture_on_commit_callbacks
):
    _approve(registered, officer)
    run_outbox_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("surveys:update_request"), {"email": "ADA@example.org"}, follow=True)
        unknown = client.post(reverse("surveys:update_request"), {"email": "nobody@example.org"}, follow=True)
    assert known.content.decode() == unknown.content.decode()
    run_outbox_worker()
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    bad = client.post(reverse("surveys:update_request"), {"email": "nope"})
    assert "Enter an email address in the correct format" in bad.content.decode()


@pytest.mark.django_db
def test_data_download_and_deletion(client, officer, registered, django_capture_on_commit_callbacks):
    token = _approve(registered, officer)
    response = client.get(reverse("surveys:update_data", args=[token]))
    data = json.loads(response.content)
    assert data["record"]["contact_email"] == "ada@example.org"
    assert {i["service"] for i in data["interests"]} == {"Parks", "Day care"}
    assert len(data["history"]) >= 2
    client.post(reverse("surveys:update_erase", args=[token]))
    registered.refresh_from_db()
    assert registered.erasure_requested_at is not None
    client.force_login(officer)
    assert "Friends of Riverside Park" in client.get(reverse("surveys:moderation")).content.decode()
    client.post(reverse("surveys:moderation_registration", args=[registered.pk]), {"action": "erase"})
    registered.refresh_from_db()
    assert (registered.status, registered.contact_email, registered.contact_name) == ("archived", "", "")
    assert not registered.history.exclude(contact_email="").exists()
    assert registered.interests.count() == 2  # the anonymous interest data stays


@pytest.mark.django_db
def test_links_expire_after_fourteen_days_not_before(officer, registered):
    token = _approve(registered, officer)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 13 * 24 * 3600):
        assert organisation_for_token(token) == registered
