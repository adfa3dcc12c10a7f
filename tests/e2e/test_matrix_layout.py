"""The matrix reflows (WCAG 1.4.10): the table scrolls inside its region, the page never sideways."""

import pytest
from django.contrib.auth.models import Group

from surveys.officers.services import COUNCIL_OFFICERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "matrix-layout-password-7"


@pytest.fixture
def wide_matrix(borough, make_service, make_interest):
    """Thirty more services, each offered by a group, so the table is far wider than any window."""
    for n in range(30):
        service = make_service(
            name=f"Library branch {n}", slug=f"library-{n}", category=borough["parks_cat"], risk_tier="low"
        )
        make_interest(survey=borough["current"], organisation=borough["friends"], service_area=service)
    return borough


def _sign_in(page, django_user_model):
    officer = django_user_model.objects.create_user("mara", password=PASSWORD, is_staff=True)
    officer.groups.add(Group.objects.get(name=COUNCIL_OFFICERS))
    page.goto("/accounts/login/?next=/matrix/")
    page.get_by_label("Username").fill("mara")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/matrix/")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_matrix_page_is_no_wider_than_the_window(
    page, check_accessibility, wide_matrix, django_user_model, width
):
    page.set_viewport_size({"width": width, "height": 800})
    _sign_in(page, django_user_model)
    assert "Library branch 29" in page.locator("table").inner_text()
    document_width, window_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert document_width <= window_width
    region = page.get_by_role("region", name="Interest by organisation and service")
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # the table scrolls inside it
    check_accessibility(page)


def test_the_organisation_corner_heading_stays_on_top_when_scrolled_right(
    page, wide_matrix, django_user_model
):
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, django_user_model)
    region = page.get_by_role("region", name="Interest by organisation and service")
    region.evaluate("r => { r.scrollIntoView({block: 'start'}); r.scrollLeft = 600; }")
    on_top = page.locator("thead .app-matrix__org").evaluate(
        """heading => {
            const box = heading.getBoundingClientRect();
            const found = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            return heading.contains(found) || (found && found.outerHTML.slice(0, 200));
        }"""
    )
    assert on_top is True, on_top
