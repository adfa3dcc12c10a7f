"""A new group registers in Chromium, a moderator approves it, and an update reaches the matrix."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from organisations.models import Organisation
from surveys.models import OrganisationUpdate
from surveys.officers.services import COUNCIL_OFFICERS
from surveys.tokens import update_token
from tests.conftest import run_outbox_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _continue(page):
    page.get_by_role("button", name=re.compile("^(Continue|Save and return to your answers)$")).click()


def test_a_group_registers_is_approved_and_updates_its_answers(
    page, check_accessibility, borough, django_user_model, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page.goto("/")
    page.get_by_role("link", name="Register your group").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Register your community group"
    check_accessibility(page)
    page.get_by_role("button", name="Start now").click()

    # About: first a mistake, to see the error summary.
    _continue(page)
    summary = page.locator(".govuk-error-summary")
    assert "Enter the name of your group" in summary.inner_text()
    check_accessibility(page)
    summary.get_by_role("link", name="Enter the name of your group").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.get_by_label("What is your group called?").fill("Friends of Millbrook Meadow")
    page.get_by_label("What does your group do?").fill("Volunteers who look after the meadow.")
    _continue(page)

    check_accessibility(page)
    page.get_by_label("Registered charity", exact=True).check()
    page.get_by_label("Charity regulator").select_option(label="Charity Commission for England and Wales")
    page.get_by_label("Registered charity number").fill("1187654")
    _continue(page)

    check_accessibility(page)
    page.get_by_label("In particular wards").check()
    page.get_by_label("Northgate").check()
    _continue(page)

    check_accessibility(page)
    page.get_by_label("Volunteers", exact=True).fill("18")
    page.locator("#id_safeguarding_policy_1").check()
    page.locator("#id_public_liability_insurance_1").check()
    _continue(page)

    check_accessibility(page)
    page.get_by_label("Parks (Parks and open spaces)").check()
    _continue(page)

    check_accessibility(page)
    page.get_by_label("Deliver it, or part of it").check()
    page.get_by_label("Deliver part of the service under a grant or contract").check()
    page.get_by_label("Ready now").check()
    page.get_by_label("Volunteers you could offer").fill("10")
    page.get_by_label("Training").check()
    _continue(page)

    check_accessibility(page)
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email address", exact=True).fill("grace@example.org")
    page.get_by_label("I agree to the council keeping these contact details").check()
    _continue(page)

    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending them"
    check_accessibility(page)
    page.get_by_role("link", name="Change volunteers (size and safeguards)").click()
    page.get_by_label("Volunteers", exact=True).fill("20")
    _continue(page)
    assert "20" in page.locator("main").inner_text()
    page.get_by_role("button", name="Send registration").click()

    assert "Registration sent" in page.locator(".govuk-panel").inner_text()
    check_accessibility(page)
    group = Organisation.objects.get(name="Friends of Millbrook Meadow")
    assert group.reference in page.locator(".govuk-panel").inner_text()
    assert (group.status, group.volunteers, group.org_id) == ("pending", 20, "GB-CHC-1187654")

    # A moderator approves it.
    moderator = django_user_model.objects.create_user("mo", password="moderator-password-1", is_staff=True)
    moderator.groups.add(Group.objects.get(name=COUNCIL_OFFICERS))
    page.goto("/accounts/login/?next=/moderation/")
    page.get_by_label("Username").fill("mo")
    page.get_by_label("Password").fill("moderator-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/moderation/")
    check_accessibility(page)
    page.get_by_role("link", name="Friends of Millbrook Meadow").click()
    check_accessibility(page)
    page.get_by_role("button", name="Approve").click()
    page.goto("/matrix/?q=Millbrook")
    assert "Friends of Millbrook Meadow" in page.locator("table").inner_text()

    # The group updates its answers through its link; the matrix changes only after acceptance.
    context = page.context.browser.new_context(base_url=page.url.split("/matrix")[0])
    group_page = context.new_page()
    group_page.set_default_timeout(15000)
    group.refresh_from_db()
    group_page.goto(f"/update/{update_token(group)}/")
    check_accessibility(group_page)
    group_page.get_by_role("link", name="Change your answers, or add or withdraw services").click()
    for _ in range(4):
        _continue(group_page)
    group_page.get_by_label("Allotments (Parks and open spaces)").check()
    _continue(group_page)
    assert "Allotments" in group_page.get_by_role("heading", level=1).inner_text()
    group_page.get_by_label("Help govern it (share decisions about how it is run)").check()
    group_page.get_by_label("A seat on the board or panel that governs it").check()
    group_page.get_by_label("Interested for the future").check()
    _continue(group_page)
    _continue(group_page)  # parks, unchanged
    _continue(group_page)  # contact
    check_accessibility(group_page)
    group_page.get_by_role("button", name="Send changes for review").click()
    assert "Your changes have been sent" in group_page.locator("main").inner_text()
    check_accessibility(group_page)
    context.close()

    page.goto("/matrix/?q=Millbrook")
    assert "G" not in page.locator("tbody").inner_text().replace("Millbrook", "")
    page.goto("/moderation/")
    page.get_by_role("link", name="Friends of Millbrook Meadow").click()
    assert "Added" in page.locator("table").inner_text()
    check_accessibility(page)
    page.get_by_role("button", name="Accept changes").click()
    assert OrganisationUpdate.objects.get().status == "accepted"
    page.goto("/matrix/?q=Millbrook")
    assert "can co-govern, interested for the future" in page.locator("tbody").inner_text()
    run_outbox_worker()
    assert mail.outbox  # the group was told at each step
