"""The same form sent twice at the same moment (a double click) stores once and never errors."""

import contextlib
import itertools
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from organisations.models import Organisation
from surveys.models import Interest, OrganisationUpdate, ResidentResponse, ResidentServiceView
from surveys.registration import services
from surveys.tokens import update_token
from tests.concurrency import emails_to, race

from .registration.test_registration import ABOUT, ALL_PAGES, CONTACT, fill_in
from .residents.test_resident_survey import ABOUT as RESIDENT_ABOUT
from .residents.test_resident_survey import CHECK as RESIDENT_CHECK
from .residents.test_resident_survey import THANKS, parks_answers, residents_round, section  # noqa: F401
from .test_double_send import CHECK, DONE, submission_key

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two real connections with row locks (PostgreSQL)"
)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _meet_at(monkeypatch, owner, name, parties=2):
    """Hold the first `parties` calls of owner.name until all have reached it, so both sends are
    past every check made before it when either goes on to write."""
    original = getattr(owner, name)
    meeting = threading.Barrier(parties)
    calls = itertools.count()

    def held(*args, **kwargs):
        if next(calls) < parties:
            with contextlib.suppress(threading.BrokenBarrierError):
                meeting.wait(timeout=5)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)


def _race(*sends):
    """Each send in its own thread and connection, released together; each one's response."""
    return [repr(o) if isinstance(o, Exception) else o for o in race(*sends)]


def _same_browser(client):
    """A second tab of the same browser: the same session cookie."""
    twin = Client()
    twin.cookies = client.cookies
    return twin


def _redirects(outcomes):
    return [getattr(outcome, "url", outcome) for outcome in outcomes]


@pytest.mark.django_db(transaction=True)
def test_a_registration_sent_twice_at_once_is_stored_once(borough, monkeypatch):
    browser = Client()
    fill_in(browser, ALL_PAGES)
    key = submission_key(browser.get(CHECK).content.decode())
    twin = _same_browser(browser)
    _meet_at(monkeypatch, services, "_unique_slug")

    outcomes = _race(
        lambda: browser.post(CHECK, {"submission_key": key}),
        lambda: twin.post(CHECK, {"submission_key": key}),
    )

    assert _redirects(outcomes) == [DONE, DONE]
    group = Organisation.objects.get(name=ABOUT["name"])
    assert group.slug == "friends-of-riverside-park"
    assert group.reference in browser.get(DONE).content.decode()
    assert group.reference in twin.get(DONE).content.decode()
    assert Interest.objects.filter(organisation=group).count() == 2
    assert group.history.count() == 1
    assert emails_to(CONTACT["contact_email"]) == ["registration_received"]


@pytest.mark.django_db(transaction=True)
def test_two_groups_with_the_same_name_sent_at_once_are_both_stored(borough, monkeypatch):
    one, other = Client(), Client()
    fill_in(one, ALL_PAGES)
    fill_in(other, [*ALL_PAGES[:-1], ("contact", {**CONTACT, "contact_email": "bo@example.org"})])
    keys = [submission_key(browser.get(CHECK).content.decode()) for browser in (one, other)]
    _meet_at(monkeypatch, services, "_unique_slug")

    outcomes = _race(
        lambda: one.post(CHECK, {"submission_key": keys[0]}),
        lambda: other.post(CHECK, {"submission_key": keys[1]}),
    )

    assert _redirects(outcomes) == [DONE, DONE]
    groups = Organisation.objects.filter(name=ABOUT["name"]).order_by("slug")
    assert [group.slug for group in groups] == ["friends-of-riverside-park", "friends-of-riverside-park-2"]
    by_key = {str(group.submission_key): group for group in groups}
    assert by_key[keys[0]].reference in one.get(DONE).content.decode()
    assert by_key[keys[1]].reference in other.get(DONE).content.decode()
    assert {group.contact_email for group in groups} == {CONTACT["contact_email"], "bo@example.org"}
    assert all(Interest.objects.filter(organisation=group).count() == 2 for group in groups)


@pytest.mark.django_db(transaction=True)
def test_a_residents_survey_sent_twice_at_once_is_counted_once(
    borough,
    residents_round,  # noqa: F811
    monkeypatch,
):
    browser = Client()
    browser.post(section("parks-cat"), parks_answers(borough))
    browser.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "uneasy"})
    browser.post(RESIDENT_ABOUT, {"ward": "E05000101", "age_band": "25_34"})
    key = submission_key(browser.get(RESIDENT_CHECK).content.decode())
    twin = _same_browser(browser)
    _meet_at(monkeypatch, ResidentResponse, "full_clean")

    outcomes = _race(
        lambda: browser.post(RESIDENT_CHECK, {"submission_key": key}),
        lambda: twin.post(RESIDENT_CHECK, {"submission_key": key}),
    )

    assert _redirects(outcomes) == [THANKS, THANKS]
    stored = ResidentResponse.objects.get()
    assert ResidentServiceView.objects.filter(response=stored).count() == 3
    assert "Thank you for your answers" in browser.get(THANKS).content.decode()


@pytest.mark.django_db(transaction=True)
def test_changes_sent_twice_at_once_are_held_once(borough, officer, settings, monkeypatch):
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]
    friends = borough["friends"]
    token = update_token(friends)
    browser = Client()
    contact = {**CONTACT, "contact_name": "Ada Lovelace"}
    browser.post(reverse("surveys:update_step", args=[token, "contact"]) + "?change=1", contact)
    check_url = reverse("surveys:update_check", args=[token])
    key = submission_key(browser.get(check_url).content.decode())
    twin = _same_browser(browser)
    _meet_at(monkeypatch, services, "link_use")

    outcomes = _race(
        lambda: browser.post(check_url, {"submission_key": key}),
        lambda: twin.post(check_url, {"submission_key": key}),
    )

    sent = reverse("surveys:update_sent")
    assert _redirects(outcomes) == [sent, sent]
    update = OrganisationUpdate.objects.get(organisation=friends)
    assert update.status == "pending" and str(update.submission_key) == key
    assert emails_to("community.team@example.gov.uk") == ["moderator_update"]
