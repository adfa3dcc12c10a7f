"""Shared fixtures: small factories for each model, as plain functions."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from organisations.models import Organisation, Ward
from services.models import ServiceArea, ServiceCategory
from surveys.models import Interest, ResidentResponse, ResidentServiceView, Survey
from surveys.officers.services import COUNCIL_OFFICERS

_sequence = itertools.count(1)


@pytest.fixture
def make_category(db):
    def make(**kwargs):
        n = next(_sequence)
        defaults = {"name": f"Category {n}", "slug": f"category-{n}", "position": n}
        return ServiceCategory.objects.create(**{**defaults, **kwargs})

    return make


@pytest.fixture
def make_service(db, make_category):
    def make(**kwargs):
        n = next(_sequence)
        if "category" not in kwargs:
            kwargs["category"] = make_category()
        defaults = {"name": f"Service {n}", "slug": f"service-{n}", "risk_tier": "low"}
        return ServiceArea.objects.create(**{**defaults, **kwargs})

    return make


@pytest.fixture
def make_ward(db):
    def make(**kwargs):
        n = next(_sequence)
        defaults = {"name": f"Ward {n}", "gss_code": f"E05{n:06d}", "code_year": 2024}
        return Ward.objects.create(**{**defaults, **kwargs})

    return make


@pytest.fixture
def make_organisation(db):
    def make(wards=(), **kwargs):
        n = next(_sequence)
        defaults = {
            "name": f"Organisation {n}",
            "slug": f"organisation-{n}",
            "org_type": Organisation.OrgType.COMMUNITY_GROUP,
            "status": Organisation.Status.APPROVED,
            "contact_email": f"contact{n}@example.org",
        }
        organisation = Organisation.objects.create(**{**defaults, **kwargs})
        if wards:
            organisation.wards.set(wards)
        return organisation

    return make


@pytest.fixture
def make_survey(db):
    def make(**kwargs):
        n = next(_sequence)
        now = timezone.now()
        defaults = {
            "title": f"Round {n}",
            "slug": f"round-{n}",
            "kind": Survey.Kind.ORGANISATION_CAPACITY,
            "opens_at": now - datetime.timedelta(days=10),
            "closes_at": now + datetime.timedelta(days=20),
        }
        return Survey.objects.create(**{**defaults, **kwargs})

    return make


@pytest.fixture
def make_interest(db, make_survey, make_organisation, make_service):
    def make(**kwargs):
        if "survey" not in kwargs:
            kwargs["survey"] = make_survey()
        if "organisation" not in kwargs:
            kwargs["organisation"] = make_organisation()
        if "service_area" not in kwargs:
            kwargs["service_area"] = make_service()
        defaults = {
            "delivers": True,
            "co_governs": False,
            "involvement": Interest.Involvement.DELIVER_PART,
            "readiness": Interest.Readiness.READY_NOW,
        }
        return Interest.objects.create(**{**defaults, **kwargs})

    return make


@pytest.fixture
def officer(db, django_user_model):
    user = django_user_model.objects.create_user(
        username="officer", email="officer@example.gov.uk", is_staff=True
    )
    user.groups.add(Group.objects.get(name=COUNCIL_OFFICERS))
    return user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def admin_user_(db, django_user_model):
    return django_user_model.objects.create_superuser(
        username="curator", email="curator@example.gov.uk", password=None
    )


@pytest.fixture
def admin_client_(client, admin_user_):
    client.force_login(admin_user_)
    return client


@pytest.fixture
def borough(make_category, make_service, make_ward, make_organisation, make_survey, make_interest):
    """Two categories, four services, two wards, five groups; one known interest pattern."""
    now = timezone.now()
    parks_cat = make_category(name="Parks and open spaces", slug="parks-cat", position=1)
    care_cat = make_category(name="Adult social care", slug="care-cat", position=2)
    parks = make_service(name="Parks", slug="parks", category=parks_cat, risk_tier="low")
    allotments = make_service(name="Allotments", slug="allotments", category=parks_cat, risk_tier="low")
    day_care = make_service(name="Day care", slug="day-care", category=care_cat, risk_tier="high")
    closed = make_service(name="Closed service", slug="closed", category=care_cat, open_to_interest=False)
    north, south = (
        make_ward(name="Northgate", gss_code="E05000101"),
        make_ward(name="Southmead", gss_code="E05000102"),
    )
    old = make_survey(
        slug="capacity-2025",
        opens_at=now - datetime.timedelta(days=400),
        closes_at=now - datetime.timedelta(days=300),
    )
    current = make_survey(slug="capacity-2026")
    friends = make_organisation(
        name="Friends of Ashwick Park", slug="friends", org_type="friends_of", wards=[north]
    )
    carers = make_organisation(
        name="Carers Together",
        slug="carers",
        org_type="charity",
        charity_number="1123456",
        charity_regulator="ccew",
        wards=[south],
    )
    everywhere = make_organisation(
        name="Borough Volunteers", slug="everywhere", org_type="volunteer_network", borough_wide=True
    )
    pending = make_organisation(name="Pending Group", slug="pending", status="pending", wards=[north])
    archived = make_organisation(name="Archived Group", slug="archived", status="archived")
    make_interest(
        survey=current,
        organisation=friends,
        service_area=parks,
        delivers=True,
        co_governs=True,
        readiness="ready_now",
    )
    make_interest(
        survey=current, organisation=friends, service_area=allotments, delivers=True, readiness="with_support"
    )
    make_interest(
        survey=current,
        organisation=carers,
        service_area=day_care,
        delivers=False,
        co_governs=True,
        involvement="governance_seat",
        readiness="ready_now",
    )
    make_interest(
        survey=current, organisation=everywhere, service_area=parks, delivers=True, readiness="future"
    )
    make_interest(
        survey=current, organisation=pending, service_area=day_care, delivers=True, readiness="ready_now"
    )
    make_interest(
        survey=current, organisation=archived, service_area=allotments, delivers=True, readiness="ready_now"
    )
    make_interest(
        survey=old, organisation=carers, service_area=allotments, delivers=True, readiness="ready_now"
    )
    return {
        "current": current,
        "old": old,
        "parks": parks,
        "allotments": allotments,
        "day_care": day_care,
        "closed": closed,
        "north": north,
        "south": south,
        "friends": friends,
        "carers": carers,
        "everywhere": everywhere,
        "parks_cat": parks_cat,
        "care_cat": care_cat,
    }


@pytest.fixture
def make_resident_response(db, make_survey):
    """One resident's response: `views` maps a service to a view, or to (view, [accepted ways])."""

    def make(views, survey=None, ward=None, age_band=""):
        if survey is None:
            survey = make_survey(kind=Survey.Kind.RESIDENT_VIEWS)
        response = ResidentResponse.objects.create(survey=survey, ward=ward, age_band=age_band)
        for service, answer in views.items():
            view, ways = answer if isinstance(answer, tuple) else (answer, [])
            ResidentServiceView.objects.create(
                response=response,
                service_area=service,
                view=view,
                **{f"accepts_{way}": True for way in ways},
            )
        return response

    return make


def run_outbox_worker() -> int:
    """Run every task that is due, in this process, as the worker would; returns how many ran.

    The real worker (`manage.py db_worker`) also closes stale connections between tasks, which
    would break a test's transaction, so only its task runner is used here; tests/outbox run the
    real worker in its own process.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest",
        excluded_queue_names=[],
    )
    ran = 0
    while (task_result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
    return ran


@pytest.fixture
def outbox_worker(db, mailoutbox):
    """Call it to send what the outbox holds (as the task worker would); returns the emails sent."""

    def run():
        run_outbox_worker()
        return mailoutbox

    return run
