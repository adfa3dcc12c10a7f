"""Fixtures shared by the surveys tests."""

import datetime

import pytest
from django.utils import timezone


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
