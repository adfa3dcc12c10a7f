"""An officer's journey: filter the matrix, open a service, assess a group, export CSV."""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from surveys.models import Assessment
from surveys.officers.services import COUNCIL_OFFICERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "officer-journey-password-7"


def test_officer_filters_the_matrix_assesses_and_exports(
    page, check_accessibility, borough, django_user_model
):
    officer = django_user_model.objects.create_user("ofelia", password=PASSWORD, is_staff=True)
    officer.groups.add(Group.objects.get(name=COUNCIL_OFFICERS))

    page.goto("/matrix/")
    page.wait_for_url("**/accounts/login/?next=/matrix/")
    page.get_by_label("Username").fill("ofelia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/matrix/")
    assert "Friends of Ashwick Park" in page.locator("table").inner_text()
    check_accessibility(page)

    page.get_by_label("Ward served").select_option(label="Northgate")
    page.get_by_label("Service category").select_option(label="Parks and open spaces")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/matrix/?*ward=E05000101*")
    table = page.locator("table").inner_text()
    assert "Friends of Ashwick Park" in table and "Borough Volunteers" in table
    assert "Carers Together" not in table and "Day care" not in table
    check_accessibility(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download every matching row as CSV").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Organisation", "org-id", "Type", "Allotments", "Parks"]
    assert [row[0] for row in rows[1:]] == ["Borough Volunteers", "Friends of Ashwick Park"]

    page.locator("thead").get_by_role("link", name="Parks").click()
    page.wait_for_url("**/services/parks/")
    assert page.get_by_role("heading", level=1).inner_text() == "Parks"
    check_accessibility(page)

    page.get_by_role("link", name="Add assessment of Friends of Ashwick Park").click()
    check_accessibility(page)
    page.get_by_role("button", name="Save assessment").click()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="Select a risk rating").click()
    assert page.evaluate("document.activeElement.id") == "id_risk_rating_1"
    page.get_by_label("Estimated cost to the council (£)").fill("£4,500")
    page.get_by_label("Medium").check()
    page.get_by_label("Pilot").check()
    page.get_by_role("button", name="Save assessment").click()
    page.wait_for_url("**/services/parks/?survey=capacity-2026#assessments")
    assert "Assessment of Friends of Ashwick Park saved." in page.locator("main").inner_text()
    assert "£4,500" in page.locator("#assessments ~ div table").inner_text()
    check_accessibility(page)
    assessment = Assessment.objects.get()
    assert (assessment.recommendation, assessment.author) == ("pilot", officer)

    for path in ("/services/", "/dashboard/", "/organisations/friends/"):
        page.goto(path)
        check_accessibility(page)
