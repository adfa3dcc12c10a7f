"""The journeys' last steps run a fixed number of queries, however many services were answered."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation
from surveys.models import Interest, ResidentResponse, ResidentServiceView, Survey

from .test_double_send import submission_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _register(name, services):
    client = Client()
    pages = [
        ("about", {"name": name, "description": "A group."}),
        ("type", {"org_type": "community_group", "charity_number": "", "company_number": ""}),
        ("where", {"area": "wards", "wards": ["E05000101"]}),
        (
            "size",
            {
                "volunteers": "5",
                "income_band": "under_10k",
                "safeguarding_policy": "yes",
                "public_liability_insurance": "no",
            },
        ),
        ("services", {"services": services}),
        *[
            (
                f"service-{slug}",
                {"roles": ["co_govern"], "involvement": "governance_seat", "readiness": "future"},
            )
            for slug in services
        ],
        (
            "contact",
            {
                "contact_name": "Ada",
                "contact_email": "ada@example.org",
                "contact_phone": "01632 960001",
                "postcode": "AW1 2AB",
                "consent": "on",
                "extra_details": "",
            },
        ),
    ]
    for key, data in pages:
        assert client.post(reverse("surveys:register_step", args=[key]), data).status_code == 302, key
    # Sent as a browser sends it, with the form's key: one more query looks for an earlier send.
    sent = {"submission_key": submission_key(client.get(reverse("surveys:register_check")).content.decode())}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("surveys:register_check"), sent)
    assert response.url == reverse("surveys:register_done")
    return len(queries)


def test_registering_runs_the_same_queries_for_one_service_or_three(borough):
    one = _register("First Group", ["parks"])
    three = _register("Second Group", ["parks", "allotments", "day-care"])
    assert one == three
    second = Organisation.objects.get(name="Second Group")
    interests = Interest.objects.filter(organisation=second)
    assert sorted(interests.values_list("service_area__slug", flat=True)) == [
        "allotments",
        "day-care",
        "parks",
    ]
    assert Interest.history.filter(organisation_id=second.pk, history_type="+").count() == 3
    assert set(interests.values_list("readiness", flat=True)) == {"future"}


def _answer_survey(ward="E05000101"):
    client = Client()
    survey = Survey.objects.resident_views().get()
    sections = {}
    for service in survey.covered_services().select_related("category"):
        sections.setdefault(service.category.slug, []).append(service)
    for slug, services in sections.items():
        data = {f"view_{service.pk}": "willing" for service in services}
        data[f"ways_{services[0].pk}"] = ["volunteers"]
        response = client.post(reverse("surveys:resident_section", args=[slug]), data)
        assert response.status_code == 302, slug
    client.post(reverse("surveys:resident_about"), {"ward": ward, "age_band": "35_44"})
    sent = {"submission_key": submission_key(client.get(reverse("surveys:resident_check")).content.decode())}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("surveys:resident_check"), sent)
    assert response.url == reverse("surveys:resident_thanks")
    return len(queries)


def test_sending_the_residents_survey_runs_the_same_queries_for_three_services_or_eight(
    borough, make_survey, make_service
):
    now = timezone.now()
    survey = make_survey(
        slug="residents-2026",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=10),
    )
    three = [borough["parks"], borough["allotments"], borough["day_care"]]
    survey.services.set(three)
    few = _answer_survey()
    more = [make_service(category=borough["parks_cat"]) for _ in range(5)]
    survey.services.set(three + more)
    many = _answer_survey()
    assert few == many
    assert ResidentResponse.objects.count() == 2
    latest = ResidentResponse.objects.order_by("-pk").first()
    assert latest.views.count() == 8 and latest.ward.gss_code == "E05000101"
    assert ResidentServiceView.objects.filter(response=latest, accepts_volunteers=True).count() == 2
