"""A moderator finds a failed email from the moderation queue and sends it again."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from outbox.models import Email
from outbox.services import email_queue
from surveys.officers.services import COUNCIL_OFFICERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "outbox-journey-password-7"


def test_a_moderator_sends_a_failed_email_again(page, check_accessibility, django_user_model):
    officer = django_user_model.objects.create_user("mo", password=PASSWORD, is_staff=True)
    officer.groups.add(Group.objects.get(name=COUNCIL_OFFICERS))
    with transaction.atomic():
        failed = email_queue(to="ada@example.org", subject="Your link to update Friends", body="x", kind="t")
        email_queue(to="bo@example.org", subject="Registration received", body="x", kind="t")
    Email.objects.filter(pk=failed.pk).update(
        status="failed", attempts=10, last_error="ConnectionRefusedError: [Errno 111] Connection refused"
    )

    page.goto("/moderation/")
    page.get_by_label("Username").fill("mo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/moderation/")
    assert "1 email could not be sent" in page.locator("main").inner_text()
    check_accessibility(page)

    page.get_by_role("link", name="See the failed emails").click()
    page.wait_for_url("**/moderation/emails/?status=failed")
    table = page.locator("table").inner_text()
    assert "Your link to update Friends" in table and "Connection refused" in table
    assert "Registration received" not in table
    check_accessibility(page)

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Send again to ada@example.org").click()
    page.wait_for_url("**/moderation/emails/?status=failed")
    assert "will be sent again" in page.locator("main").inner_text()
    assert "No emails in this list" in page.locator("main").inner_text()
    check_accessibility(page)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)
