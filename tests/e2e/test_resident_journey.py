"""A resident answers the survey in Chromium; an officer then sees the answers on every results page."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from surveys.models import ResidentResponse, Survey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def question(page, service):
    return page.get_by_role("group", name=f"How would you feel about {service} being delivered differently?")


def ways(page, service):
    return page.get_by_role("group", name=f"Which of these ways of running {service} would you accept?")


def test_a_resident_answers_and_an_officer_sees_the_results(
    page, browser, live_server, check_accessibility, borough, make_survey, officer
):
    cache.clear()
    now = timezone.now()
    survey = make_survey(
        title="Residents’ views 2026",
        slug="residents-2026",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now + datetime.timedelta(days=2),
        closes_at=now + datetime.timedelta(days=30),
    )

    page.goto("/")
    page.get_by_role("link", name="Residents’ survey").click()
    page.wait_for_url("**/survey/")
    assert page.get_by_role("heading", level=1).inner_text() == "The residents’ survey is not open yet"
    check_accessibility(page)

    Survey.objects.filter(pk=survey.pk).update(opens_at=now - datetime.timedelta(days=1))
    page.reload()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Have your say on how council services are run"
    )
    check_accessibility(page)

    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/survey/questions/parks-cat/")
    check_accessibility(page)
    question(page, "Parks").get_by_label("Willing").check()
    ways(page, "Parks").get_by_label("A community group or charity").check()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select how you would feel about Allotments being delivered differently" in summary.inner_text()
    assert page.title().startswith("Error:")
    check_accessibility(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == f"id_view_{borough['allotments'].pk}_1"
    assert question(page, "Parks").get_by_label("Willing").is_checked(), "the other answers are kept"
    question(page, "Allotments").get_by_label("Don’t know").check()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/survey/questions/care-cat/")
    check_accessibility(page)
    question(page, "Day care").get_by_label("Uneasy").check()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/survey/about-you/")
    check_accessibility(page)
    page.get_by_label("Which ward do you live in? (optional)").select_option(label="Northgate")
    page.get_by_label("65 to 74").check()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/survey/check-answers/")
    check_accessibility(page)
    answers = page.locator("main").inner_text()
    assert "A community group or charity" in answers and "Northgate" in answers and "65 to 74" in answers
    page.get_by_role("link", name="Change your answer about Allotments").click()
    page.wait_for_url("**/survey/questions/parks-cat/?change=1*")
    question(page, "Allotments").get_by_label("Neutral").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/survey/check-answers/#answers-parks-cat")
    assert "Neutral" in page.locator("#answers-parks-cat + dl").inner_text()
    assert ResidentResponse.objects.count() == 0
    page.get_by_role("button", name="Send your answers").click()

    page.wait_for_url("**/survey/thank-you/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your answers"
    check_accessibility(page)
    stored = ResidentResponse.objects.get()
    assert (stored.ward, stored.age_band) == (borough["north"], "65_74")
    assert sorted(stored.views.values_list("service_area__slug", "view")) == [
        ("allotments", "neutral"),
        ("day-care", "uneasy"),
        ("parks", "willing"),
    ]
    page.goto("/survey/")
    assert page.get_by_role("heading", level=1).inner_text() == "You have already answered this survey"
    check_accessibility(page)

    office = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    office.context.add_cookies([_session_cookie(live_server, officer)])
    office.goto("/services/parks/")
    residents = office.locator("#residents-views ~ p").first.inner_text()
    assert residents.startswith("In Residents’ views 2026, 1 resident said")
    assert "100% (1)" in office.locator(".app-bars").first.inner_text()
    check_accessibility(office)
    office.get_by_label("Ward").select_option(label="Southmead")
    office.get_by_role("button", name="Show residents’ views").click()
    office.wait_for_url("**/services/parks/?*views_ward=E05000102*")
    assert "No resident matching these filters" in office.locator("main").inner_text()
    check_accessibility(office)

    office.goto("/services/")
    row = office.get_by_role("row", name="Day care")
    assert "100%" in row.inner_text() and "Keep council-led" in row.inner_text()
    check_accessibility(office)

    office.goto("/survey/results/")
    assert "Only council officers can see these results" in office.locator("main").inner_text()
    office.get_by_role("link", name="Sort with the most uneasy first").click()
    office.wait_for_url("**/survey/results/?survey=residents-2026&sort=unease")
    rows = office.locator("#results-caption ~ tbody tr th").all_inner_texts()
    assert rows[0].startswith("Day care")
    check_accessibility(office)
    office.context.close()

    Survey.objects.filter(pk=survey.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1), results_published=True
    )
    page.goto("/survey/")
    assert page.get_by_role("heading", level=1).inner_text() == "The residents’ survey is closed"
    check_accessibility(page)
    page.get_by_role("link", name="See the results of earlier surveys").click()
    page.wait_for_url("**/survey/results/")
    assert page.get_by_role("heading", level=1).inner_text() == "Residents’ views 2026"
    assert "1 resident answered" in page.locator("main").inner_text()
    check_accessibility(page)


def _session_cookie(live_server, officer):
    """Sign the officer in with a session cookie (signing in has its own journey test)."""
    client = Client()
    client.force_login(officer)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": live_server.url}


def test_the_survey_works_without_javascript(browser, live_server, borough, make_survey):
    cache.clear()
    make_survey(kind=Survey.Kind.RESIDENT_VIEWS)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/survey/")
    page.get_by_role("button", name="Start now").click()
    question(page, "Allotments").get_by_label("Uneasy").check()
    question(page, "Parks").get_by_label("Neutral").check()
    page.get_by_role("button", name="Continue").click()
    question(page, "Day care").get_by_label("Don’t know").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send your answers").click()
    page.wait_for_url("**/survey/thank-you/")
    assert sorted(ResidentResponse.objects.get().views.values_list("view", flat=True)) == [
        "dont_know",
        "neutral",
        "uneasy",
    ]
    context.close()
