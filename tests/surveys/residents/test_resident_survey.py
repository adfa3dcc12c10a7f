"""The residents' survey: its window, the journey, validation, anonymity, one answer per browser."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capacity_map.ratelimit import allow
from surveys.models import ResidentResponse, ResidentServiceView, Survey
from surveys.residents.journey import ANSWERED_KEY, STATE_KEY
from surveys.residents.services import resident_response_submit

START = reverse("surveys:resident_start")
ABOUT = reverse("surveys:resident_about")
CHECK = reverse("surveys:resident_check")
THANKS = reverse("surveys:resident_thanks")


def section(slug):
    return reverse("surveys:resident_section", args=[slug])


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def residents_round(make_survey):
    """An open residents' round; with no list of its own it asks about every open service."""
    now = timezone.now()
    return make_survey(
        title="Residents’ views 2026",
        slug="residents-2026",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=25),
    )


def parks_answers(borough, **extra):
    parks, allotments = borough["parks"], borough["allotments"]
    return {
        f"view_{parks.pk}": "willing",
        f"ways_{parks.pk}": ["volunteers", "community_group"],
        f"view_{allotments.pk}": "neutral",
        **extra,
    }


def answer_everything(client, borough, *, ward="E05000101", age_band="25_34", **meta):
    """Go through every page as a resident would; return the final response."""
    assert client.post(section("parks-cat"), parks_answers(borough), **meta).url == section("care-cat")
    assert client.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "uneasy"}, **meta).url == ABOUT
    assert client.post(ABOUT, {"ward": ward, "age_band": age_band}, **meta).url == CHECK
    return client.post(CHECK, {}, **meta)


@pytest.mark.django_db
def test_start_page_says_what_the_survey_is_and_that_it_is_anonymous(client, borough, residents_round):
    page = client.get(START).content.decode()
    assert "Residents’ views 2026" in page
    assert "Your answers are anonymous" in page and "We do not ask for your name" in page
    assert "How your answers are used" in page
    assert "3 services in 2 sections" in page
    assert f'href="{section("parks-cat")}"' in page and "Start now" in page
    assert 'href="/survey/"' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opens_in", "closes_in", "heading"),
    [
        (3, 30, "The residents’ survey is not open yet"),
        (-3, 30, "Have your say on how council services are run"),
        (-30, -3, "The residents’ survey is closed"),
    ],
    ids=["before", "during", "after"],
)
def test_the_survey_is_open_only_between_the_rounds_dates(
    client, borough, make_survey, opens_in, closes_in, heading
):
    now = timezone.now()
    survey = make_survey(
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now + datetime.timedelta(days=opens_in),
        closes_at=now + datetime.timedelta(days=closes_in),
    )
    page = client.get(START).content.decode()
    assert heading in page
    if opens_in > 0:
        opens = timezone.localtime(survey.opens_at)
        assert f"opens at {opens:%-I:%M}{opens:%p}".lower() + f" on {opens:%A %-d %B %Y}." in page
    if closes_in < 0:
        assert f"closed on {timezone.localtime(survey.closes_at):%A %-d %B %Y}" in page
    open_now = opens_in < 0 < closes_in
    for url in (section("parks-cat"), ABOUT, CHECK):
        response = client.get(url)
        assert (response.status_code == 200 and heading in response.content.decode()) or open_now


@pytest.mark.django_db
def test_with_no_round_at_all_the_page_says_so(client):
    response = client.get(START)
    assert response.status_code == 200
    assert "There is no residents’ survey open at the moment." in response.content.decode()


@pytest.mark.django_db
def test_a_resident_answers_every_page_and_one_anonymous_response_is_stored(client, borough, residents_round):
    assert client.post(section("parks-cat"), parks_answers(borough)).url == section("care-cat")
    client.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "uneasy"})
    client.post(ABOUT, {"ward": "E05000101", "age_band": "25_34"})
    assert ResidentResponse.objects.count() == 0, "nothing is stored before the resident sends it"

    check = client.get(CHECK).content.decode()
    assert "Check your answers before sending them" in check
    parks_row = check.split(">Parks</dt>")[1].split("</div>")[0]
    assert "Willing" in parks_row and "A community group or charity" in parks_row
    assert "More volunteers within the council service" in parks_row
    assert "Northgate" in check and "25 to 34" in check
    assert f'href="{section("parks-cat")}?change=1#id_view_{borough["parks"].pk}_1"' in check

    response = client.post(CHECK, {})
    assert response.status_code == 302 and response.url == THANKS
    assert "Thank you for your answers" in client.get(THANKS).content.decode()

    stored = ResidentResponse.objects.get()
    assert (stored.survey, stored.ward, stored.age_band) == (residents_round, borough["north"], "25_34")
    views = {v.service_area.slug: v for v in stored.views.select_related("service_area")}
    assert {slug: v.view for slug, v in views.items()} == {
        "parks": "willing",
        "allotments": "neutral",
        "day-care": "uneasy",
    }
    parks = views["parks"]
    assert (
        parks.accepts_volunteers,
        parks.accepts_community_group,
        parks.accepts_social_enterprise,
        parks.accepts_mutual,
    ) == (True, True, False, False)
    assert not any(views["day-care"].__dict__[f] for f in ("accepts_volunteers", "accepts_mutual"))


@pytest.mark.django_db
def test_a_round_with_its_own_list_asks_only_about_those_services(client, borough, residents_round):
    residents_round.services.set([borough["day_care"]])
    assert f'href="{section("care-cat")}"' in client.get(START).content.decode()
    assert client.get(section("parks-cat")).status_code == 404
    assert client.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "dont_know"}).url == ABOUT
    client.post(ABOUT, {"ward": "", "age_band": ""})
    client.post(CHECK, {})
    stored = ResidentResponse.objects.get()
    assert (stored.ward, stored.age_band) == (None, "")
    assert [(v.service_area, v.view) for v in stored.views.all()] == [(borough["day_care"], "dont_know")]


@pytest.mark.django_db
def test_nothing_personal_is_stored(client, borough, residents_round):
    meta = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Mozilla/5.0 (Resident's phone)"}
    answer_everything(client, borough, **meta)
    assert {f.name for f in ResidentResponse._meta.concrete_fields} == {
        "id",
        "survey",
        "ward",
        "age_band",
        "submitted_at",
        # A random key made for the send form, so a second send of it is counted once; it is
        # forgotten by the browser with the answers (below) and matches nothing else.
        "submission_key",
    }
    stored = ResidentResponse.objects.values().get()
    views = list(ResidentServiceView.objects.values())
    text = repr(stored) + repr(views)
    assert "203.0.113.7" not in text and "Mozilla" not in text
    # Only the hour is kept, so the answer cannot be matched to a line in the server's logs.
    assert (stored["submitted_at"].minute, stored["submitted_at"].second) == (0, 0)
    # The browser's session forgets the answers and remembers only that the round was answered.
    assert STATE_KEY not in client.session
    assert client.session[ANSWERED_KEY] == [residents_round.pk]
    assert not [key for key in cache._cache if "203.0.113.7" in str(key)]


@pytest.mark.django_db
def test_one_submission_per_browser_session(client, borough, residents_round):
    answer_everything(client, borough)
    for url in (START, section("parks-cat"), CHECK):
        page = client.get(url).content.decode()
        assert "You have already answered this survey" in page
    response = client.post(CHECK, {})
    assert "You have already answered this survey" in response.content.decode()
    client.post(section("parks-cat"), parks_answers(borough))
    assert ResidentResponse.objects.count() == 1

    other_browser = Client()
    answer_everything(other_browser, borough)
    assert ResidentResponse.objects.count() == 2


@pytest.mark.django_db
def test_each_question_is_required_and_the_other_answers_are_kept(client, borough, residents_round):
    parks, allotments = borough["parks"], borough["allotments"]
    response = client.post(
        section("parks-cat"), {f"view_{parks.pk}": "uneasy", f"ways_{parks.pk}": ["mutual"]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "There is a problem" in page
    message = "Select how you would feel about Allotments being delivered differently"
    assert f'<a href="#id_view_{allotments.pk}_1">{message}</a>' in page
    assert page.count(message) == 2, "in the summary and by the question"
    assert "Select how you would feel about Parks" not in page
    checked = [
        chunk.split('value="')[1].split('"')[0] for chunk in page.split("<input")[1:] if "checked" in chunk
    ]
    assert checked == ["uneasy", "mutual"]
    assert not client.session.get(STATE_KEY, {}).get("views")


@pytest.mark.django_db
def test_tampered_answers_get_field_errors_never_a_server_error(client, borough, residents_round):
    parks, allotments = borough["parks"], borough["allotments"]
    page = client.post(
        section("parks-cat"),
        {
            f"view_{parks.pk}": "delighted",
            f"ways_{parks.pk}": ["privatise"],
            f"view_{allotments.pk}": "willing",
            "view_999999": "willing",
        },
    ).content.decode()
    assert "Select how you would feel about Parks being delivered differently" in page
    assert "Select ways of running the service from the list" in page
    assert client.get(section("no-such-category")).status_code == 404
    client.post(section("parks-cat"), parks_answers(borough))
    client.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "willing"})
    page = client.post(ABOUT, {"ward": "E05999999", "age_band": "200"}).content.decode()
    assert "Select your ward from the list" in page and "Select your age group from the list" in page
    assert ResidentResponse.objects.count() == 0


@pytest.mark.django_db
def test_answers_survive_reload_and_back_and_change_links_return_to_check(client, borough, residents_round):
    parks = borough["parks"]
    client.post(section("parks-cat"), parks_answers(borough))
    again = client.get(section("parks-cat")).content.decode()
    checked = [
        chunk.split('value="')[1].split('"')[0] for chunk in again.split("<input")[1:] if "checked" in chunk
    ]
    assert checked == ["neutral", "willing", "volunteers", "community_group"]
    assert client.get(CHECK).url == section("care-cat"), "check your answers waits for every page"
    client.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "uneasy"})
    assert client.get(CHECK).url == ABOUT
    client.post(ABOUT, {"ward": "", "age_band": "not_said"})
    assert client.get(CHECK).status_code == 200

    changed = client.post(
        f"{section('parks-cat')}?change=1", parks_answers(borough, **{f"view_{parks.pk}": "dont_know"})
    )
    assert changed.url == f"{CHECK}#answers-parks-cat"
    client.post(CHECK, {})
    assert ResidentServiceView.objects.get(service_area=parks).view == "dont_know"
    assert ResidentResponse.objects.get().age_band == "not_said"


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["first page", "last page"])
def test_a_filled_honeypot_shows_thanks_and_stores_nothing(client, borough, residents_round, where):
    if where == "first page":
        response = client.post(section("parks-cat"), parks_answers(borough, extra_details="buy now"))
    else:
        client.post(section("parks-cat"), parks_answers(borough))
        client.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "uneasy"})
        client.post(ABOUT, {"ward": "", "age_band": ""})
        response = client.post(CHECK, {"extra_details": "https://spam.example"})
    assert response.url == THANKS
    assert "Thank you for your answers" in client.get(THANKS).content.decode()
    assert ResidentResponse.objects.count() == 0 and ResidentServiceView.objects.count() == 0


@pytest.mark.django_db
def test_the_honeypot_is_hidden_from_people(client, borough, residents_round):
    page = client.get(section("parks-cat")).content.decode()
    hidden = page.split('class="govuk-visually-hidden"  aria-hidden="true">')[1].split("</form>")[0]
    assert "Leave this field empty" in hidden
    assert 'name="extra_details" autocomplete="off" tabindex="-1"' in hidden


@pytest.mark.django_db
def test_sending_is_rate_limited_per_connection(borough, residents_round, settings):
    settings.RATE_LIMIT_SUBMISSIONS = 2
    same_address = {"REMOTE_ADDR": "198.51.100.20"}
    for _ in range(2):
        assert answer_everything(Client(), borough, **same_address).url == THANKS
    limited = Client()
    response = answer_everything(limited, borough, **same_address)
    assert response.status_code == 429
    assert "too many answers have been sent from your connection" in response.content.decode()
    assert ResidentResponse.objects.count() == 2
    assert limited.get(CHECK).status_code == 200, "the resident's answers are kept to send later"
    assert answer_everything(Client(), borough, REMOTE_ADDR="198.51.100.21").url == THANKS
    assert ResidentResponse.objects.count() == 3


@pytest.mark.django_db
def test_a_round_closing_mid_journey_shows_the_closed_page_and_saves_nothing(
    client, borough, residents_round
):
    client.post(section("parks-cat"), parks_answers(borough))
    client.post(section("care-cat"), {f"view_{borough['day_care'].pk}": "uneasy"})
    client.post(ABOUT, {"ward": "", "age_band": ""})
    Survey.objects.filter(pk=residents_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.post(CHECK, {})
    assert response.status_code == 200
    assert "The residents’ survey is closed" in response.content.decode()
    assert ResidentResponse.objects.count() == 0


@pytest.mark.django_db
def test_thank_you_page_needs_an_answer_first(client, borough, residents_round):
    assert client.get(THANKS).url == START


@pytest.mark.django_db
def test_submit_stores_everything_or_nothing(borough, residents_round):
    parks, day_care, closed = borough["parks"], borough["day_care"], borough["closed"]
    with pytest.raises(ValidationError, match="does not ask about Closed service"):
        resident_response_submit(
            survey=residents_round, ward=None, age_band="", answers={closed: ("willing", [])}
        )
    with pytest.raises(ValidationError, match="Unknown ways"):
        resident_response_submit(
            survey=residents_round,
            ward=None,
            age_band="",
            answers={parks: ("willing", []), day_care: ("uneasy", ["outsourcing"])},
        )
    with pytest.raises(ValidationError):
        resident_response_submit(
            survey=residents_round, ward=None, age_band="", answers={parks: ("keen", [])}
        )
    with pytest.raises(ValidationError):
        resident_response_submit(
            survey=residents_round, ward=None, age_band="teen", answers={parks: ("willing", [])}
        )
    assert ResidentResponse.objects.count() == 0 and ResidentServiceView.objects.count() == 0

    residents_round.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    with pytest.raises(ValidationError, match="not open"):
        resident_response_submit(
            survey=residents_round, ward=None, age_band="", answers={parks: ("willing", [])}
        )


@pytest.mark.django_db
def test_rate_limit_counts_per_scope_and_address(rf):
    first, second = rf.post("/", REMOTE_ADDR="192.0.2.1"), rf.post("/", REMOTE_ADDR="192.0.2.2")
    assert [allow(first, scope="resident_survey", limit=2, window_seconds=60) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert allow(first, scope="registration", limit=2, window_seconds=60)
    assert allow(second, scope="resident_survey", limit=2, window_seconds=60)
