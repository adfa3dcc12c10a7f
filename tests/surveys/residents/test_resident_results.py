"""Residents' views: the aggregation, the service page, the overview's signal, the results page."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.matrix.selectors import MatrixColumn
from surveys.models import Survey
from surveys.officers.selectors import READINESS_SIGNAL_RULE, readiness_signal
from surveys.residents.selectors import ServiceResidentViews, percentage, resident_views

RESULTS = reverse("surveys:resident_results")
RESULTS_CSV = reverse("surveys:resident_results_csv")


@pytest.fixture
def residents_round(make_survey):
    now = timezone.now()
    return make_survey(
        title="Residents’ views 2026",
        slug="residents-2026",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now + datetime.timedelta(days=5),
    )


@pytest.fixture
def answers(borough, residents_round, make_resident_response):
    """Five residents. Worked by hand:

    Parks       willing 2, neutral 1, uneasy 1, don't know 1 (n 5): 40 / 20 / 20 / 20 %;
                would accept volunteers 2 (40 %), a community group 1 (20 %)
    Allotments  willing 1, uneasy 1, don't know 1 (n 3): 33 / 0 / 33 / 33 %; social enterprise 1
    Day care    willing 1, neutral 1, uneasy 2 (n 4): 25 / 25 / 50 / 0 %
    """
    parks, allotments, day_care = borough["parks"], borough["allotments"], borough["day_care"]
    north, south = borough["north"], borough["south"]
    rows = [
        (
            north,
            "25_34",
            {parks: ("willing", ["volunteers", "community_group"]), allotments: "uneasy", day_care: "uneasy"},
        ),
        (north, "65_74", {parks: ("willing", ["volunteers"]), day_care: "uneasy"}),
        (
            south,
            "25_34",
            {parks: "uneasy", allotments: ("willing", ["social_enterprise"]), day_care: "willing"},
        ),
        (None, "", {parks: "neutral", allotments: "dont_know"}),
        (south, "65_74", {parks: "dont_know", day_care: "neutral"}),
    ]
    for ward, age_band, views in rows:
        make_resident_response(views, survey=residents_round, ward=ward, age_band=age_band)
    return residents_round


def counts(views):
    return {
        v.service.slug: (v.willing, v.neutral, v.uneasy, v.dont_know, v.n, [a.percent for a in v.views])
        for v in views.services
    }


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [(0, 0, 0), (1, 1, 100), (1, 3, 33), (2, 3, 67), (1, 8, 13), (3, 8, 38), (2, 7, 29)],
)
def test_percentages_are_whole_numbers_with_halves_rounded_up(count, total, expected):
    assert percentage(count, total) == expected


@pytest.mark.django_db
def test_a_round_with_no_answers_lists_its_services_at_zero(borough, residents_round):
    views = resident_views(survey=residents_round)
    assert views.respondents == 0
    assert counts(views) == {
        "allotments": (0, 0, 0, 0, 0, [0, 0, 0, 0]),
        "parks": (0, 0, 0, 0, 0, [0, 0, 0, 0]),
        "day-care": (0, 0, 0, 0, 0, [0, 0, 0, 0]),
    }
    assert not any(v.is_contested for v in views.services)
    assert resident_views(survey=None).services == []


@pytest.mark.django_db
def test_a_single_response(borough, residents_round, make_resident_response):
    make_resident_response({borough["parks"]: ("willing", ["mutual"])}, survey=residents_round)
    views = resident_views(survey=residents_round)
    parks = views.for_service(borough["parks"])
    assert (views.respondents, parks.n, parks.willing_percent, parks.uneasy_percent) == (1, 1, 100, 0)
    assert [(a.label, a.count, a.percent) for a in parks.channel_counts] == [
        ("More volunteers within the council service", 0, 0),
        ("A community group or charity", 0, 0),
        ("A social enterprise or co-operative", 0, 0),
        ("An employee-owned mutual", 1, 100),
    ]
    assert views.for_service(borough["allotments"]).n == 0


@pytest.mark.django_db
def test_counts_and_percentages_match_the_hand_worked_figures(borough, answers):
    views = resident_views(survey=answers)
    assert views.respondents == 5
    assert counts(views) == {
        "allotments": (1, 0, 1, 1, 3, [33, 0, 33, 33]),
        "parks": (2, 1, 1, 1, 5, [40, 20, 20, 20]),
        "day-care": (1, 1, 2, 0, 4, [25, 25, 50, 0]),
    }
    parks = views.for_service(borough["parks"])
    assert [(a.count, a.percent) for a in parks.channel_counts] == [(2, 40), (1, 20), (0, 0), (0, 0)]
    assert views.for_service(borough["allotments"]).channels["social_enterprise"] == 1
    assert [v.service.slug for v in views.by_unease()] == ["day-care", "allotments", "parks"]
    assert [v.service.slug for v in views.services if v.is_contested] == ["allotments", "day-care"]


@pytest.mark.django_db
def test_ward_and_age_filters(borough, answers):
    north = resident_views(survey=answers, ward=borough["north"])
    assert north.respondents == 2
    assert counts(north)["parks"] == (2, 0, 0, 0, 2, [100, 0, 0, 0])
    assert counts(north)["day-care"] == (0, 0, 2, 0, 2, [0, 0, 100, 0])
    young = resident_views(survey=answers, age_band="25_34")
    assert young.respondents == 2
    assert counts(young)["allotments"] == (1, 0, 1, 0, 2, [50, 0, 50, 0])
    both = resident_views(survey=answers, ward=borough["north"], age_band="65_74")
    assert both.respondents == 1
    assert counts(both)["parks"][:5] == (1, 0, 0, 0, 1)
    assert counts(both)["allotments"][4] == 0
    one = resident_views(survey=answers, ward=borough["south"], service=borough["day_care"])
    assert [(v.service.slug, v.willing, v.neutral) for v in one.services] == [("day-care", 1, 1)]


@pytest.mark.django_db
def test_services_answered_about_stay_listed_when_the_rounds_list_changes(borough, answers):
    answers.services.set([borough["parks"]])
    assert [v.service.slug for v in resident_views(survey=answers).services] == [
        "allotments",
        "parks",
        "day-care",
    ]


@pytest.mark.django_db
def test_the_selector_uses_three_queries_however_many_answers(
    borough, residents_round, make_resident_response, django_assert_num_queries
):
    make_resident_response({borough["parks"]: "willing"}, survey=residents_round)
    with django_assert_num_queries(3):
        resident_views(survey=residents_round, ward=borough["north"], age_band="25_34")
    for _ in range(40):
        make_resident_response(
            {borough["parks"]: "uneasy", borough["day_care"]: "neutral"}, survey=residents_round
        )
    with django_assert_num_queries(3):
        views = resident_views(survey=residents_round)
    assert views.respondents == 41
    with django_assert_num_queries(2):
        resident_views(survey=residents_round, service=borough["parks"])


# --- the readiness signal ----------------------------------------------------------------------


def _signal(service, ready=0, support=0, residents=None):
    column = MatrixColumn(service=service, ready_deliverers=ready, ready_with_support=support)
    views = None
    if residents is not None:
        willing, uneasy = residents
        views = ServiceResidentViews(service=service, willing=willing, uneasy=uneasy, neutral=1)
    return readiness_signal(service, column, views)


@pytest.mark.django_db
def test_readiness_signal_combines_tier_capacity_and_residents(make_service):
    low, high = make_service(risk_tier="low"), make_service(risk_tier="high")
    closed = make_service(open_to_interest=False)
    assert _signal(high, ready=5, residents=(9, 0)) == "Keep council-led, explore co-governance"
    assert _signal(closed, ready=5, residents=(9, 0)) == "Not open to community interest"
    assert _signal(low, ready=5, residents=(3, 3)) == "Contested"
    assert _signal(low, ready=5, residents=(1, 4)) == "Contested"
    assert _signal(low, ready=2, residents=(4, 3)) == "Strong candidate"
    assert _signal(low, ready=2) == "Possible candidate", "no residents' views: not yet strong"
    assert _signal(low, ready=1, residents=(9, 0)) == "Possible candidate"
    assert _signal(low, support=1, residents=(9, 0)) == "Possible with support"
    assert _signal(low, residents=(9, 0)) == "No capacity yet"
    assert _signal(low, residents=(0, 0)) == "No capacity yet", "only 'neutral' answers are not contested"
    assert [signal for signal, _rule in READINESS_SIGNAL_RULE] == [
        "Keep council-led, explore co-governance",
        "Not open to community interest",
        "Contested",
        "Strong candidate",
        "Possible candidate",
        "Possible with support",
        "No capacity yet",
    ]


@pytest.mark.django_db
def test_services_overview_shows_residents_and_states_the_rule(
    officer_client, borough, answers, make_interest, make_organisation
):
    make_interest(
        survey=borough["current"],
        organisation=make_organisation(name="Park Runners"),
        service_area=borough["parks"],
        readiness="ready_now",
    )
    page = officer_client.get(reverse("services:list")).content.decode()
    for signal, rule in READINESS_SIGNAL_RULE:
        assert f"<li><strong>{signal}</strong>: {rule}.</li>" in page
    assert "Residents’ views come from" in page and "Residents’ views 2026" in page
    rows = {
        name: page.split(f">{name}</a>")[1].split("</tr>")[0] for name in ("Parks", "Allotments", "Day care")
    }
    cells = [cell.split(">", 1)[1] for cell in rows["Parks"].split("<td")[1:]]
    assert [c.split("<")[0] for c in cells[5:8]] == ["40%", "20%", "5"]
    assert "Strong candidate" in rows["Parks"]
    assert "Contested" in rows["Allotments"]
    assert "Keep council-led, explore co-governance" in rows["Day care"]


# --- the service page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_service_page_shows_residents_views_as_a_chart_and_a_table(officer_client, borough, answers):
    page = officer_client.get(reverse("services:detail", args=["parks"])).content.decode()
    section = page.split('id="residents-views"')[1].split('id="assessments"')[0]
    assert "<strong>5</strong> residents" in section
    assert '<span class="app-bars__bar app-view--willing" style="width: 40%">' in section
    assert "40% (2)" in section
    table = section.split("Residents’ views in numbers")[1].split("</table>")[0]
    assert '>Willing</th><td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in table
    assert "40%" in table and ">5</td>" in table
    ways = section.split("Ways residents would accept, in numbers")[1].split("</table>")[0]
    assert "More volunteers within the council service</th>" in ways
    assert [cell.split("<")[0] for cell in ways.split('cell--numeric">')[1:]] == [
        "2",
        "40%",
        "1",
        "20%",
        "0",
        "0%",
        "0",
        "0%",
    ]
    assert "<canvas" not in page


@pytest.mark.django_db
def test_service_page_filters_residents_by_ward_and_age(officer_client, borough, answers):
    url = reverse("services:detail", args=["parks"])
    page = officer_client.get(url, {"views_ward": "E05000101", "survey": "capacity-2025"}).content.decode()
    assert "<strong>2</strong> residents in Northgate" in page and "100% (2)" in page
    assert '<input type="hidden" name="survey" value="capacity-2025">' in page
    page = officer_client.get(url, {"views_age": "65_74"}).content.decode()
    assert "<strong>2</strong> residents in the age group “65 to 74”" in page
    page = officer_client.get(url, {"views_ward": "E05000102", "views_age": "65_74"}).content.decode()
    assert "<strong>1</strong> resident in Southmead" in page
    page = officer_client.get(url, {"views_ward": "E05000102", "views_age": "16_24"}).content.decode()
    assert "No resident matching these filters has answered about this service yet." in page
    response = officer_client.get(url, {"views_ward": "nowhere", "views_age": "999", "views_round": "nope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page and "<strong>5</strong> residents" in page


# --- the results page and its CSV ------------------------------------------------------------


def _set_round(survey, *, closed, published):
    now = timezone.now()
    survey.closes_at = now - datetime.timedelta(days=1) if closed else now + datetime.timedelta(days=5)
    survey.results_published = published
    survey.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("closed", "published", "public"),
    [(False, False, False), (False, True, False), (True, False, False), (True, True, True)],
    ids=["open", "open and published", "closed, not published", "closed and published"],
)
def test_results_are_public_once_closed_and_published_and_always_open_to_officers(
    client, officer, django_user_model, answers, closed, published, public
):
    _set_round(answers, closed=closed, published=published)
    by_slug = {"survey": "residents-2026"}
    resident = django_user_model.objects.create_user("resident")
    for visitor in (None, resident):
        client.logout()
        if visitor:
            client.force_login(visitor)
        assert client.get(RESULTS, by_slug).status_code == (200 if public else 404)
        assert client.get(RESULTS_CSV, by_slug).status_code == (200 if public else 404)
        page = client.get(RESULTS).content.decode()
        assert ("Residents’ views 2026" in page) is public
        assert ("No results have been published yet" in page) is not public
        assert "Parks" not in page or public
    client.force_login(officer)
    page = client.get(RESULTS, by_slug).content.decode()
    assert "Residents’ views 2026" in page and ">Parks</a>" in page
    assert ("Only council officers can see these results" in page) is not public
    assert client.get(RESULTS_CSV, by_slug).status_code == 200


@pytest.mark.django_db
def test_results_page_table_chart_and_sorting_by_unease(client, answers):
    _set_round(answers, closed=True, published=True)
    page = client.get(RESULTS).content.decode()
    assert "5 residents answered" in page
    body = page.split('id="results-caption"')[1].split("</table>")[0]
    assert [name for name in ("Allotments", "Parks", "Day care") if name in body] == [
        "Allotments",
        "Parks",
        "Day care",
    ]
    assert body.index("Allotments") < body.index("Parks") < body.index("Day care")
    assert 'role="img" aria-label="Willing 40%, Neutral 20%, Uneasy 20%, Don’t know 20%"' in body
    assert 'href="?survey=residents-2026&amp;sort=unease"' in page

    by_unease = client.get(RESULTS, {"survey": "residents-2026", "sort": "unease"}).content.decode()
    body = by_unease.split('id="results-caption"')[1].split("</table>")[0]
    assert body.index("Day care") < body.index("Allotments") < body.index("Parks")
    assert 'aria-sort="descending">Uneasy' in body


@pytest.mark.django_db
def test_results_csv_has_counts_percentages_and_ways(client, answers, make_service, borough):
    make_service(name='=HYPERLINK("http://evil.example")', slug="formula", category=borough["parks_cat"])
    _set_round(answers, closed=True, published=True)
    response = client.get(RESULTS_CSV, {"survey": "residents-2026", "sort": "unease"})
    assert response["Content-Disposition"] == 'attachment; filename="residents-views-residents-2026.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Service",
        "Category",
        "Risk tier",
        "Residents answering",
        "Willing",
        "Willing %",
        "Neutral",
        "Neutral %",
        "Uneasy",
        "Uneasy %",
        "Don’t know",
        "Don’t know %",
        "Would accept: More volunteers within the council service",
        "Would accept: A community group or charity",
        "Would accept: A social enterprise or co-operative",
        "Would accept: An employee-owned mutual",
    ]
    assert [row[0] for row in rows[1:]] == [
        "Day care",
        "Allotments",
        "Parks",
        '\'=HYPERLINK("http://evil.example")',
    ]
    assert rows[3] == [
        "Parks",
        "Parks and open spaces",
        "Low",
        "5",
        "2",
        "40",
        "1",
        "20",
        "1",
        "20",
        "1",
        "20",
    ] + [
        "2",
        "1",
        "0",
        "0",
    ]
    assert rows[4][3] == "0"


# --- query counts: the same however many residents answered -------------------------------------


def _grow(survey, borough, make_resident_response, n):
    views = ["willing", "neutral", "uneasy", "dont_know"]
    for i in range(n):
        make_resident_response(
            {
                borough["parks"]: (views[i % 4], ["volunteers"][: i % 2]),
                borough["allotments"]: views[(i + 1) % 4],
                borough["day_care"]: views[(i + 2) % 4],
            },
            survey=survey,
            ward=(borough["north"], borough["south"], None)[i % 3],
            age_band=("25_34", "65_74", "")[i % 3],
        )


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


PAGES = [
    ("results", RESULTS, {}),
    ("results by unease", RESULTS, {"sort": "unease"}),
    ("results csv", RESULTS_CSV, {}),
    ("service", reverse("services:detail", args=["parks"]), {}),
    (
        "service filtered",
        reverse("services:detail", args=["parks"]),
        {"views_ward": "E05000101", "views_age": "25_34"},
    ),
    ("services overview", reverse("services:list"), {}),
]


@pytest.mark.django_db
def test_results_pages_use_a_fixed_number_of_queries(
    client, officer_client, borough, residents_round, make_resident_response
):
    _grow(residents_round, borough, make_resident_response, 3)
    small = {name: _queries(officer_client, url, **params) for name, url, params in PAGES}
    _grow(residents_round, borough, make_resident_response, 60)
    large = {name: _queries(officer_client, url, **params) for name, url, params in PAGES}
    assert small == large
    assert max(large.values()) <= 15, large
    _set_round(residents_round, closed=True, published=True)
    client.logout()
    assert _queries(client, RESULTS) <= 6
