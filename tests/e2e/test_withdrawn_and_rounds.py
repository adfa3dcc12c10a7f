"""An officer sees a withdrawn offer with its assessment, and picks the residents' round to show."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from surveys.models import Assessment, Interest, Survey
from surveys.officers.services import COUNCIL_OFFICERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "withdrawn-rounds-password-7"


def test_an_officer_sees_withdrawn_offers_and_chooses_the_residents_round(
    page, check_accessibility, borough, django_user_model, make_survey, make_resident_response
):
    officer = django_user_model.objects.create_user("wren", password=PASSWORD, is_staff=True)
    officer.groups.add(Group.objects.get(name=COUNCIL_OFFICERS))
    allotments = Interest.objects.get(organisation=borough["friends"], service_area=borough["allotments"])
    Assessment.objects.create(
        interest=allotments, risk_rating="low", recommendation="explore", author=officer
    )
    Interest.objects.filter(pk=allotments.pk).update(withdrawn_at=timezone.now())
    now = timezone.now()
    last_year = make_survey(
        title="Residents 2025",
        slug="residents-2025",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=400),
        closes_at=now - datetime.timedelta(days=300),
    )
    make_survey(title="Residents 2026", slug="residents-2026", kind=Survey.Kind.RESIDENT_VIEWS)
    for view in ("willing", "willing", "willing", "uneasy"):
        make_resident_response({borough["parks"]: view}, survey=last_year)

    page.goto("/accounts/login/?next=/services/allotments/")
    page.get_by_label("Username").fill("wren")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/services/allotments/")
    withdrawn = page.get_by_role("region", name="1 withdrawn offer in Round").inner_text()
    assert "Friends of Ashwick Park" in withdrawn and "Explore" in withdrawn
    check_accessibility(page)

    page.goto("/organisations/friends/")
    assert "Withdrawn" in page.get_by_role("row", name="Allotments").inner_text()
    check_accessibility(page)

    page.goto("/services/")
    parks = page.get_by_role("row").filter(has=page.get_by_role("link", name="Parks", exact=True))
    assert "75%" not in parks.inner_text()
    page.get_by_label("Residents’ round").select_option(label="Residents 2025")
    page.get_by_role("button", name="Show rounds").click()
    page.wait_for_url("**/services/?*residents=residents-2025*")
    assert "75%" in parks.inner_text()
    check_accessibility(page)
