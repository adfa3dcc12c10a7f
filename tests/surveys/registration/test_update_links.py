"""A group's update links: one use each, a new one retires the old, nothing cached or kept behind."""

import datetime
import json
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation
from surveys import privacy
from surveys.models import OrganisationUpdate
from surveys.registration import services
from surveys.registration.journey import answers_from_organisation, checked_answers
from surveys.tokens import LinkProblem, organisation_for_token, update_token
from tests.conftest import run_outbox_worker

from .test_registration import ALL_PAGES, CONTACT, fill_in


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def friends(borough):
    group = borough["friends"]
    group.contact_name, group.contact_email, group.contact_phone = (
        "Ada Lovelace",
        "ada@example.org",
        "01632 960001",
    )
    group.postcode, group.public_email, group.public_phone = "AW1 2AB", "hello@friends.example.org", ""
    group.save()
    return group


def _emailed_token(email):
    link = next(line for line in email.body.splitlines() if "/update/" in line and "http" in line)
    return link.rsplit("/update/", 1)[1].strip("/")


# --- a new link retires the earlier ones -------------------------------------------------------


@pytest.mark.django_db
def test_asking_for_a_new_link_stops_the_earlier_link_working(
    client, friends, borough, django_capture_on_commit_callbacks
):
    old = update_token(friends)
    carers_token = update_token(borough["carers"])
    assert client.get(reverse("surveys:update", args=[old])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:update_request"), {"email": "ADA@example.org"})
    run_outbox_worker()
    (email,) = mail.outbox
    assert "no longer works" in email.body
    used = client.get(reverse("surveys:update", args=[old]))
    assert used.status_code == 410 and "This link has already been used" in used.content.decode()
    assert organisation_for_token(_emailed_token(email)) == friends
    # Nobody else's link changed.
    assert organisation_for_token(carers_token) == borough["carers"]


@pytest.mark.django_db
def test_asking_with_an_unknown_address_changes_no_link(client, friends, django_capture_on_commit_callbacks):
    token = update_token(friends)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:update_request"), {"email": "nobody@example.org"})
    run_outbox_worker()
    assert mail.outbox == []
    assert organisation_for_token(token) == friends


# --- each link is used once -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_link_read_by_two_requests_is_used_by_one_only(friends, borough):
    token = update_token(friends)
    # Two requests read the link before either used it.
    first, second = organisation_for_token(token), organisation_for_token(token)
    services.organisation_confirm(organisation=first, nonce=first.link_nonce)
    with pytest.raises(LinkProblem, match="used"):
        services.organisation_confirm(organisation=second, nonce=second.link_nonce)
    with pytest.raises(LinkProblem, match="used"):
        services.erasure_request(organisation=second, nonce=second.link_nonce)
    pages = answers_from_organisation(second, survey=borough["current"])
    pages["contact"]["consent"] = ["on"]  # the group agrees again on the contact page
    answers = checked_answers(pages, survey=borough["current"])
    with pytest.raises(LinkProblem, match="used"):
        services.update_submit(organisation=second, nonce=second.link_nonce, answers=answers)
    friends.refresh_from_db()
    assert friends.erasure_requested_at is None
    assert not OrganisationUpdate.objects.filter(organisation=friends).exists()
    assert friends.history.filter(history_change_reason__startswith="Confirmed").count() == 1


@pytest.mark.django_db
def test_each_link_page_answers_a_use_that_lost_the_race_with_the_used_page(client, friends):
    token = update_token(friends)
    stale = organisation_for_token(token)  # read by this request before another used the link
    winner = organisation_for_token(token)
    services.organisation_confirm(organisation=winner, nonce=winner.link_nonce)
    confirmed_at = Organisation.objects.get(pk=friends.pk).last_confirmed_at
    with mock.patch("surveys.registration.views.organisation_for_token", return_value=stale):
        for name in ("surveys:update_confirm", "surveys:update_erase", "surveys:update_check"):
            response = client.post(reverse(name, args=[token]))
            assert response.status_code == 410, name
            assert "This link has already been used" in response.content.decode(), name
    friends.refresh_from_db()
    assert (friends.last_confirmed_at, friends.erasure_requested_at) == (confirmed_at, None)
    assert not OrganisationUpdate.objects.filter(organisation=friends).exists()


# --- nothing about a link is kept by a browser or proxy ---------------------------------------


@pytest.mark.django_db
def test_link_pages_and_the_link_request_pages_are_not_stored(client, friends):
    token = update_token(friends)
    gets = [
        reverse("surveys:update_request"),
        reverse("surveys:update_requested"),
        reverse("surveys:update_sent"),
        reverse("surveys:update", args=[token]),
        reverse("surveys:update_step", args=[token, "contact"]),
        reverse("surveys:update_check", args=[token]),
        reverse("surveys:update_data", args=[token]),
        reverse("surveys:update", args=["not-a-token"]),
    ]
    for url in gets:
        response = client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), url
    posts = [
        (reverse("surveys:update_request"), {"email": "ada@example.org"}),
        (reverse("surveys:update_step", args=[token, "about"]), {"name": "Friends", "description": ""}),
        (reverse("surveys:update_confirm", args=[token]), {}),
        (reverse("surveys:update_erase", args=[token]), {}),  # the link is used by now: the 410 page
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert "no-store" in response.get("Cache-Control", ""), url


# --- the data download holds only the current contact's personal data -------------------------


@pytest.mark.django_db
def test_data_download_leaves_out_a_former_contacts_personal_data(client, friends):
    friends.contact_name, friends.contact_email, friends.contact_phone = (
        "Grace Hopper",
        "grace@example.org",
        "01632 960999",
    )
    friends.public_email = "team@friends.example.org"
    friends._change_reason = "New contact"
    friends.save()
    assert friends.history.filter(contact_email="ada@example.org").exists()
    response = client.get(reverse("surveys:update_data", args=[update_token(friends)]))
    text = response.content.decode()
    for former in ("ada@example.org", "Ada Lovelace", "01632 960001", "hello@friends.example.org"):
        assert former not in text
    data = json.loads(text)
    assert data["record"]["contact_email"] == "grace@example.org"
    # History keeps when and what changed, and what is still the current contact's.
    history = data["history"]
    assert len(history) == friends.history.count() and all(entry["date"] for entry in history)
    latest = history[-1]
    assert latest["reason"] == "New contact"
    assert latest["record"]["contact_email"] == "grace@example.org"
    assert latest["record"]["name"] == "Friends of Ashwick Park"
    earlier = history[-2]["record"]
    assert earlier["postcode"] == "AW1 2AB"  # unchanged, so still the current contact's
    assert earlier["name"] == "Friends of Ashwick Park"


# --- sessions: expired ones are cleared, and erasure takes drafts with it ---------------------


def _session(data, *, expires_in=datetime.timedelta(hours=8)):
    store = SessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


@pytest.mark.django_db
def test_expired_sessions_are_cleared(friends):
    expired = _session(
        {"registration": {"contact": {"contact_name": ["Someone"]}}},
        expires_in=-datetime.timedelta(minutes=1),
    )
    live = _session({"registration": {"contact": {"contact_name": ["Someone else"]}}})
    privacy.sessions_clear_expired()
    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    assert expired != live


def _draft(contact):
    return {"about": {"name": ["A group"]}, "contact": {key: [value] for key, value in contact.items()}}


@pytest.mark.django_db
def test_erasure_removes_drafts_holding_the_contacts_details(client, friends, officer, borough):
    # A registration started in a browser with the contact's email (as typed, in capitals).
    fill_in(client, [*ALL_PAGES[:-1], ("contact", {**CONTACT, "contact_email": "ADA@example.org"})])
    browser = client.session.session_key
    by_name_and_phone = _session(
        {"registration": _draft({"contact_name": " ada lovelace ", "contact_phone": "01632960001"})}
    )
    update_draft = _session(
        {f"update-{friends.pk}": answers_from_organisation(friends, survey=borough["current"])}
    )
    someone_else = _session(
        {"registration": _draft({"contact_name": "Ada Lovelace", "contact_email": "ada@else.org"})}
    )
    officer_session = _session({"_auth_user_id": str(officer.pk)})
    other_group_draft = _session({f"update-{borough['carers'].pk}": {"about": {"name": ["Carers"]}}})

    privacy.organisation_erase(organisation=friends, reviewer=officer)

    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert not remaining & {browser, by_name_and_phone, update_draft}
    assert {someone_else, officer_session, other_group_draft} <= remaining
    friends.refresh_from_db()
    assert friends.status == Organisation.Status.ARCHIVED and friends.contact_email == ""


# --- the assessment page does not tell anonymous visitors which interests exist ----------------


@pytest.mark.django_db
def test_assessment_page_sends_every_anonymous_visitor_to_sign_in(client, borough, django_user_model):
    from surveys.models import Interest

    interest = Interest.objects.get(organisation=borough["friends"], service_area=borough["parks"])
    existing = reverse("services:assess", args=["parks", interest.pk])
    missing = reverse("services:assess", args=["parks", 999999])
    for url in (existing, missing):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302
            assert response.url == f"{reverse('login')}?next={url}"
    client.force_login(django_user_model.objects.create_user("resident"))
    assert [client.get(url).status_code for url in (existing, missing)] == [403, 403]
