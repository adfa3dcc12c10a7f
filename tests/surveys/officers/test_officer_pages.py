"""Services overview, service page with assessments, organisation page, dashboard, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.matrix.selectors import MatrixFilters, capacity_matrix
from surveys.models import Assessment, Interest
from surveys.officers.selectors import dashboard


@pytest.mark.django_db
def test_services_overview_counts_and_signals(
    officer_client, borough, make_interest, make_organisation, make_survey, make_resident_response
):
    make_interest(
        survey=borough["current"],
        organisation=make_organisation(name="Park Runners"),
        service_area=borough["parks"],
        readiness="ready_now",
    )
    residents = make_survey(kind="resident_views")
    for view in ("willing", "willing", "uneasy"):
        make_resident_response({borough["parks"]: view}, survey=residents)
    page = officer_client.get(reverse("services:list")).content.decode()
    assert "How the readiness signal is worked out" in page
    rows = {
        name: page.split(f">{name}</a>")[1].split("</tr>")[0] for name in ("Parks", "Allotments", "Day care")
    }
    assert "Strong candidate" in rows["Parks"]
    assert "Possible with support" in rows["Allotments"]
    assert "Keep council-led, explore co-governance" in rows["Day care"]
    assert "Not open to community interest" in page.split(">Closed service</a>")[1].split("</tr>")[0]


@pytest.mark.django_db
def test_service_page_lists_groups_governance_models_and_assessment_totals(officer_client, borough, officer):
    parks = borough["parks"]
    for organisation, cost, saving in (
        (borough["friends"], "1200.00", "5000.00"),
        (borough["everywhere"], "800.00", None),
    ):
        Assessment.objects.create(
            interest=Interest.objects.get(organisation=organisation, service_area=parks),
            estimated_cost=Decimal(cost),
            estimated_saving=saving and Decimal(saving),
            risk_rating="low",
            recommendation="pilot",
            author=officer,
        )
    page = officer_client.get(reverse("services:detail", args=["parks"])).content.decode()
    assert "Friends of Ashwick Park" in page and "Borough Volunteers" in page
    assert "Deliver part of the service under a grant or contract" in page
    assert "Governance models on offer" in page
    assert "£2,000" in page and "£5,000" in page
    assert "Pending Group" not in page


@pytest.mark.django_db
def test_officer_adds_then_edits_an_assessment_with_history(officer_client, borough, officer):
    interest = Interest.objects.get(organisation=borough["friends"], service_area=borough["parks"])
    url = reverse("services:assess", args=["parks", interest.pk])
    response = officer_client.post(
        url,
        {
            "estimated_cost": "£12,000",
            "estimated_saving": "3000",
            "social_value": "Volunteering",
            "risks": "",
            "risk_rating": "medium",
            "recommendation": "explore",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert response.url == "/services/parks/?survey=capacity-2026#assessments"
    assessment = Assessment.objects.get(interest=interest)
    assert (assessment.estimated_cost, assessment.recommendation, assessment.author) == (
        Decimal("12000.00"),
        "explore",
        officer,
    )
    officer_client.post(
        url,
        {
            "estimated_cost": "12000",
            "estimated_saving": "3000",
            "social_value": "Volunteering",
            "risks": "Insurance",
            "risk_rating": "medium",
            "recommendation": "pilot",
            "notes": "",
        },
    )
    assessment.refresh_from_db()
    assert assessment.recommendation == "pilot"
    assert Assessment.objects.count() == 1
    assert [h.recommendation for h in assessment.history.order_by("history_date")] == ["explore", "pilot"]
    assert assessment.history.first().history_user == officer


@pytest.mark.django_db
def test_bad_assessment_input_is_explained_and_nothing_saved(officer_client, borough):
    interest = Interest.objects.get(organisation=borough["friends"], service_area=borough["parks"])
    url = reverse("services:assess", args=["parks", interest.pk])
    response = officer_client.post(
        url, {"estimated_cost": "lots", "estimated_saving": "-5", "social_value": "x" * 5000}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    for message in (
        "Enter the cost as a number of pounds",
        "The saving cannot be negative",
        "Select a risk rating",
        "Select a recommendation",
    ):
        assert message in page
    assert 'href="#id_risk_rating_1"' in page
    assert 'value="lots"' in page
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_assessments_need_the_right_and_an_approved_group(client, borough, django_user_model, officer):
    interest = Interest.objects.get(organisation=borough["friends"], service_area=borough["parks"])
    viewer = django_user_model.objects.create_user("viewer")
    viewer.user_permissions.add(
        *__import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.filter(
            codename="view_interest"
        )
    )
    client.force_login(viewer)
    assert client.get(reverse("services:assess", args=["parks", interest.pk])).status_code == 403
    client.force_login(officer)
    pending = Interest.objects.get(organisation__slug="pending")
    assert client.get(reverse("services:assess", args=["day-care", pending.pk])).status_code == 404
    assert client.get(reverse("services:assess", args=["day-care", interest.pk])).status_code == 404


@pytest.mark.django_db
def test_organisation_page_shows_identifiers_interests_by_round_and_history(officer_client, borough):
    carers = borough["carers"]
    carers.description = "Support for unpaid carers."
    carers.save()
    page = officer_client.get(reverse("organisations:detail", args=["carers"])).content.decode()
    assert "GB-CHC-1123456" in page and "Charity Commission for England and Wales" in page
    assert "Southmead" in page
    assert page.index("Round") < page.index("Day care")
    assert "Day care" in page and "Allotments" in page  # both rounds
    assert "Change history" in page and "Support for unpaid carers." in page
    assert "contact" not in page.lower().split("change history")[0] or "Private" not in page


@pytest.mark.django_db
def test_dashboard_counts_coverage_and_queues(officer_client, borough, make_organisation):
    old = timezone.now() - datetime.timedelta(days=500)
    stale = make_organisation(name="Quiet Group", last_confirmed_at=old)
    data = dashboard(survey=borough["current"], stale_before=timezone.now() - datetime.timedelta(days=365))
    assert (data.approved, data.pending, data.interests, data.gaps) == (4, 1, 4, 2)
    coverage = {ward.name: counts for ward, counts in data.coverage}
    # Northgate: Friends (parks) + Borough Volunteers (parks, borough-wide); no care offer.
    assert coverage["Northgate"] == [2, 0]
    assert coverage["Southmead"] == [1, 1]
    assert [o.name for o in data.awaiting_review] == ["Pending Group"]
    assert stale in data.stale
    page = officer_client.get(reverse("dashboard")).content.decode()
    assert "Quiet Group" in page and "Pending Group" in page and "Coverage by category and ward" in page


# --- query counts: the same at 10 and at 100 organisations ------------------------------------


def _grow(borough, make_organisation, make_interest, make_ward, n):
    wards = [make_ward() for _ in range(3)]
    for i in range(n):
        organisation = make_organisation(name=f"Group {i:03d}", wards=wards[: 1 + i % 3])
        for service in (borough["parks"], borough["allotments"], borough["day_care"])[: 1 + i % 3]:
            interest = make_interest(
                survey=borough["current"],
                organisation=organisation,
                service_area=service,
                readiness=["ready_now", "future"][i % 2],
            )
            if i % 4 == 0:
                Assessment.objects.create(interest=interest, risk_rating="low", recommendation="explore")
        organisation.description = "changed"
        organisation.save()


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(queries)


PAGES = [
    ("matrix", lambda b: reverse("surveys:matrix"), {}),
    ("matrix filtered", lambda b: reverse("surveys:matrix"), {"ward": "E05000101", "category": "parks-cat"}),
    ("matrix csv", lambda b: reverse("surveys:matrix_csv"), {}),
    ("matrix xlsx", lambda b: reverse("surveys:matrix_xlsx"), {}),
    ("services", lambda b: reverse("services:list"), {}),
    ("service", lambda b: reverse("services:detail", args=["parks"]), {}),
    ("organisation", lambda b: reverse("organisations:detail", args=["group-000"]), {}),
    ("dashboard", lambda b: reverse("dashboard"), {}),
]


@pytest.mark.django_db
def test_pages_use_a_fixed_number_of_queries(
    officer_client,
    borough,
    make_organisation,
    make_interest,
    make_ward,
):
    _grow(borough, make_organisation, make_interest, make_ward, 10)
    from organisations.models import Organisation

    Organisation.objects.filter(name="Group 000").update(slug="group-000")
    small = {name: _count(officer_client, url(borough), **params) for name, url, params in PAGES}
    _grow(borough, make_organisation, make_interest, make_ward, 90)
    large = {name: _count(officer_client, url(borough), **params) for name, url, params in PAGES}
    assert small == large
    assert max(large.values()) <= 15, large


@pytest.mark.django_db
def test_capacity_matrix_itself_runs_five_queries(borough, django_assert_num_queries):
    with django_assert_num_queries(5):
        matrix = capacity_matrix(filters=MatrixFilters(), survey=borough["current"], limit=50)
    assert len(matrix.rows) == 3
