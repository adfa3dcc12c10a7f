"""A "Send" pressed twice (a double click, a retry) stores once and shows the first send's page."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from organisations.models import Organisation
from outbox.models import Email
from surveys.models import Interest, OrganisationUpdate, ResidentResponse, ResidentServiceView
from surveys.tokens import update_token

from .registration.test_registration import ABOUT, ALL_PAGES, CONTACT, fill_in
from .residents.test_resident_survey import ABOUT as RESIDENT_ABOUT
from .residents.test_resident_survey import CHECK as RESIDENT_CHECK
from .residents.test_resident_survey import THANKS, parks_answers, residents_round, section  # noqa: F401

CHECK = reverse("surveys:register_check")
DONE = reverse("surveys:register_done")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def submission_key(page):
    """The random key the check-your-answers form carries, from its hidden input."""
    found = re.findall(r'<input type="hidden" name="submission_key" value="([0-9a-f-]{36})">', page)
    assert len(found) == 1, "the send form carries one submission key"
    return found[0]


def send_button(page):
    """The tag of the form's Send button (a <button>, or a crispy <input type="submit">)."""
    found = re.search(r'<button[^>]*>\s*Send[^<]*</button>|<input[^>]*value="Send[^"]*"[^>]*>', page)
    return found.group(0)


def _emails_to(address):
    return list(Email.objects.filter(to=address).order_by("pk").values_list("kind", flat=True))


def _forget_reference(client):
    session = client.session
    session.pop("registered_reference", None)
    session.save()


@pytest.mark.django_db
def test_a_registration_sent_twice_is_stored_once_and_both_show_the_first_reference(client, borough):
    fill_in(client, ALL_PAGES)
    check = client.get(CHECK).content.decode()
    key = submission_key(check)
    assert 'data-prevent-double-click="true"' in send_button(check)

    first = client.post(CHECK, {"submission_key": key})
    first_page = client.get(DONE).content.decode()
    _forget_reference(client)
    second = client.post(CHECK, {"submission_key": key})
    second_page = client.get(DONE).content.decode()

    assert first.url == second.url == DONE
    group = Organisation.objects.get(name=ABOUT["name"])
    assert group.reference in first_page and group.reference in second_page
    assert str(group.submission_key) == key
    assert Interest.objects.filter(organisation=group).count() == 2
    assert group.history.count() == 1
    assert _emails_to(CONTACT["contact_email"]) == ["registration_received"]


@pytest.mark.django_db
def test_each_new_registration_gets_its_own_key(client, borough):
    fill_in(client, ALL_PAGES)
    first_key = submission_key(client.get(CHECK).content.decode())
    assert submission_key(client.get(CHECK).content.decode()) == first_key  # a reload keeps it
    client.post(CHECK, {"submission_key": first_key})
    fill_in(client, [("about", {**ABOUT, "name": "Riverside Litter Pickers"}), *ALL_PAGES[1:]])
    second_key = submission_key(client.get(CHECK).content.decode())
    assert second_key != first_key
    assert client.post(CHECK, {"submission_key": second_key}).url == DONE
    assert Organisation.objects.filter(submission_key__in=[first_key, second_key]).count() == 2


@pytest.mark.django_db
def test_a_tampered_key_is_ignored_and_the_registration_still_sent(client, borough):
    fill_in(client, ALL_PAGES)
    client.get(CHECK)
    assert client.post(CHECK, {"submission_key": "not-a-key"}).url == DONE
    assert Organisation.objects.filter(name=ABOUT["name"]).count() == 1


@pytest.mark.django_db
def test_a_residents_survey_sent_twice_is_counted_once(client, borough, residents_round):  # noqa: F811
    client.post(section("parks-cat"), parks_answers(borough))
    client.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "uneasy"})
    client.post(RESIDENT_ABOUT, {"ward": "E05000101", "age_band": "25_34"})
    check = client.get(RESIDENT_CHECK).content.decode()
    key = submission_key(check)
    assert 'data-prevent-double-click="true"' in send_button(check)

    first = client.post(RESIDENT_CHECK, {"submission_key": key})
    second = client.post(RESIDENT_CHECK, {"submission_key": key})

    assert first.url == second.url == THANKS
    assert "Thank you for your answers" in client.get(THANKS).content.decode()
    stored = ResidentResponse.objects.get()
    assert ResidentServiceView.objects.filter(response=stored).count() == 3
    # A send without the key from a browser that has answered is still turned away.
    assert "You have already answered this survey" in client.post(RESIDENT_CHECK, {}).content.decode()


def _approved_with_link(client, borough, officer):
    from surveys.moderation.services import registration_approve

    fill_in(client, ALL_PAGES)
    client.post(CHECK, {"submission_key": submission_key(client.get(CHECK).content.decode())})
    group = registration_approve(organisation=Organisation.objects.get(name=ABOUT["name"]), reviewer=officer)
    group.refresh_from_db()
    return group, update_token(group)


@pytest.mark.django_db
def test_changes_sent_twice_are_held_once_and_both_show_the_sent_page(client, borough, officer, settings):
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]
    group, token = _approved_with_link(client, borough, officer)
    Email.objects.all().delete()
    step = reverse("surveys:update_step", args=[token, "size"])
    client.post(step + "?change=1", {**dict(ALL_PAGES)["size"], "volunteers": "40"})
    check_url = reverse("surveys:update_check", args=[token])
    check = client.get(check_url).content.decode()
    key = submission_key(check)
    assert 'data-prevent-double-click="true"' in send_button(check)

    first = client.post(check_url, {"submission_key": key})
    second = client.post(check_url, {"submission_key": key})

    assert first.url == second.url == reverse("surveys:update_sent")
    update = OrganisationUpdate.objects.get(organisation=group)
    assert (update.status, update.answers["size"]["volunteers"]) == ("pending", ["40"])
    assert _emails_to("community.team@example.gov.uk") == ["moderator_update"]
    # Without the key, the used link still says so.
    assert client.post(check_url).status_code == 410
