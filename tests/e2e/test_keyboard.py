"""The registration journey and the residents' survey, in Chromium, with the keyboard alone.

No element is clicked or filled: focus moves with Tab, radios with the arrow keys, checkboxes with
Space, links and buttons with Enter, and text is typed. Every element that takes focus on the way
must show it in the focus colour (WCAG 2.4.7), a failed send puts focus on the error summary, its
links take focus to the field, and axe-core checks every page.
"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from organisations.models import Organisation
from surveys.models import ResidentResponse, Survey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80
SUBMIT = 'form [type="submit"]'

# The focused element, or for a radio or checkbox (whose input is hidden) the circle or box drawn
# by its label, shows the focus colour (#ffdd00) in an outline, a box shadow or the background.
FOCUS_INDICATOR = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return {visible: false, what: "nothing has focus"};
  const drawn = ["radio", "checkbox"].includes(element.type)
    ? getComputedStyle(document.querySelector(`label[for="${element.id}"]`), "::before")
    : getComputedStyle(element);
  const yellow = "rgb(255, 221, 0)";
  const outline = drawn.outlineStyle !== "none" && drawn.outlineWidth !== "0px"
    && drawn.outlineColor === yellow;
  const shadow = drawn.boxShadow !== "none" && drawn.boxShadow.includes(yellow);
  const background = drawn.backgroundColor === yellow;
  const what = `${element.tagName.toLowerCase()}#${element.id || ""}.${element.className || ""} `
    + `"${(element.innerText || element.value || "").trim().slice(0, 40)}"`;
  return {visible: outline || shadow || background, what: what};
}
"""


class Keyboard:
    """Moves through a page as a keyboard user does, checking focus is shown at every stop."""

    def __init__(self, page):
        self.page = page
        self.stops = 0

    def focused(self, selector):
        return self.page.evaluate(
            "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
        )

    def assert_focus_visible(self):
        indicator = self.page.evaluate(FOCUS_INDICATOR)
        assert indicator["visible"], f"no visible focus on {indicator['what']} at {self.page.url}"
        self.stops += 1

    def tab_to(self, selector):
        """Press Tab until the focused element matches `selector`, at most MAX_TABS times."""
        passed = []
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("document.activeElement === document.body"):
                passed.append("(the end of the page)")
                continue
            self.assert_focus_visible()
            if self.focused(selector):
                return
            passed.append(self.page.evaluate(FOCUS_INDICATOR)["what"])
        raise AssertionError(
            f"{selector} did not take focus after {MAX_TABS} presses of Tab on {self.page.url}; "
            "focus went to:\n" + "\n".join(passed[:40])
        )

    def type_into(self, selector, text):
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def tick(self, selector):
        self.tab_to(selector)
        self.page.keyboard.press("Space")
        assert self.page.evaluate("(s) => document.querySelector(s).checked", selector), selector

    def choose(self, name, value):
        """Tab into a group of radios, then move with the arrow keys until `value` is chosen."""
        self.tab_to(f'input[type="radio"][name="{name}"]')
        self.page.keyboard.press("Space")
        for _ in range(12):
            if self.checked(name) == value:
                self.assert_focus_visible()
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"could not choose {value} for {name} with the arrow keys")

    def checked(self, name):
        return self.page.evaluate(
            "(n) => (document.querySelector(`input[name='${n}']:checked`) || {}).value", name
        )

    def press_enter_and_wait(self, selector):
        """Tab to a link or button and press Enter; wait for the page it leads to."""
        self.tab_to(selector)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state()

    def error_summary_has_focus(self):
        self.page.wait_for_function("!!document.activeElement.closest('.govuk-error-summary')")
        self.assert_focus_visible()

    def follow_first_error(self, field_id):
        """From the focused error summary, Tab to its first link, press Enter: the field has focus."""
        self.tab_to(".govuk-error-summary a")
        self.page.keyboard.press("Enter")
        self.page.wait_for_function("(id) => document.activeElement.id === id", arg=field_id)
        self.assert_focus_visible()


def _heading(page):
    return page.locator("h1").first.inner_text()


def test_a_group_registers_with_the_keyboard_alone(page, check_accessibility, borough):
    cache.clear()
    keys = Keyboard(page)
    page.goto("/")
    check_accessibility(page)
    keys.press_enter_and_wait('a[href="/register/"]')
    assert _heading(page) == "Register your community group"
    check_accessibility(page)
    keys.press_enter_and_wait("a.govuk-button--start")

    # About: sent empty first, to meet the error summary.
    check_accessibility(page)
    keys.press_enter_and_wait(SUBMIT)
    keys.error_summary_has_focus()
    assert "Enter the name of your group" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page)
    keys.follow_first_error("id_name")
    page.keyboard.type("Friends of Millbrook Meadow")
    keys.type_into("#id_description", "Volunteers who look after the meadow.")
    keys.press_enter_and_wait(SUBMIT)

    assert _heading(page) == "Type and registration numbers"
    check_accessibility(page)
    keys.choose("org_type", "charity")
    keys.tab_to("#id_charity_regulator")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "ccew"
    keys.type_into("#id_charity_number", "1187654")
    keys.press_enter_and_wait(SUBMIT)

    assert _heading(page) == "Where your group works"
    check_accessibility(page)
    keys.choose("area", "wards")
    keys.tick('input[name="wards"][value="E05000101"]')
    keys.press_enter_and_wait(SUBMIT)

    check_accessibility(page)
    keys.type_into("#id_volunteers", "18")
    keys.choose("safeguarding_policy", "yes")
    keys.choose("public_liability_insurance", "yes")
    keys.press_enter_and_wait(SUBMIT)

    check_accessibility(page)
    keys.tick('input[name="services"][value="parks"]')
    keys.press_enter_and_wait(SUBMIT)

    assert "Parks" in _heading(page)
    check_accessibility(page)
    keys.tick('input[name="roles"][value="deliver"]')
    keys.choose("involvement", "deliver_part")
    keys.choose("readiness", "ready_now")
    keys.type_into("#id_volunteers_offered", "10")
    keys.tick('input[name="support_needed"][value="training"]')
    keys.type_into("#id_costs", "About £500 a year for tools.")
    keys.press_enter_and_wait(SUBMIT)

    check_accessibility(page)
    keys.type_into("#id_contact_name", "Grace Hopper")
    keys.type_into("#id_contact_email", "grace@example.org")
    keys.tick("#id_consent")
    keys.press_enter_and_wait(SUBMIT)

    assert _heading(page) == "Check your answers before sending them"
    check_accessibility(page)
    keys.press_enter_and_wait('a[href="/register/size/?change=1"]')
    check_accessibility(page)
    keys.tab_to("#id_volunteers")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("20")
    keys.press_enter_and_wait(SUBMIT)
    assert _heading(page) == "Check your answers before sending them"
    keys.press_enter_and_wait(SUBMIT)

    assert "Registration sent" in page.locator(".govuk-panel").inner_text()
    check_accessibility(page)
    group = Organisation.objects.get(name="Friends of Millbrook Meadow")
    assert (group.status, group.volunteers, group.org_id) == ("pending", 20, "GB-CHC-1187654")
    assert list(group.wards.values_list("gss_code", flat=True)) == ["E05000101"]
    interest = group.interests.get()
    assert (interest.service_area.slug, interest.involvement, interest.support_needed) == (
        "parks",
        "deliver_part",
        ["training"],
    )
    assert keys.stops > 30


def test_a_resident_answers_the_survey_with_the_keyboard_alone(
    page, check_accessibility, borough, make_survey
):
    cache.clear()
    now = timezone.now()
    make_survey(
        title="Residents’ views 2026",
        slug="residents-2026",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
    )
    parks, allotments, day_care = (borough[name].pk for name in ("parks", "allotments", "day_care"))
    keys = Keyboard(page)
    page.goto("/")
    check_accessibility(page)
    keys.press_enter_and_wait('a[href="/survey/"]')
    assert _heading(page) == "Have your say on how council services are run"
    check_accessibility(page)
    keys.press_enter_and_wait(".govuk-button--start")

    page.wait_for_url("**/survey/questions/parks-cat/")
    check_accessibility(page)
    keys.choose(f"view_{parks}", "willing")
    keys.tick(f'input[name="ways_{parks}"][value="community_group"]')
    keys.press_enter_and_wait(SUBMIT)
    keys.error_summary_has_focus()
    assert "Select how you would feel about Allotments" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page)
    keys.follow_first_error(f"id_view_{allotments}_1")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert keys.checked(f"view_{allotments}") == "neutral"
    assert keys.checked(f"view_{parks}") == "willing", "the other answers are kept"
    keys.press_enter_and_wait(SUBMIT)

    page.wait_for_url("**/survey/questions/care-cat/")
    check_accessibility(page)
    keys.choose(f"view_{day_care}", "uneasy")
    keys.press_enter_and_wait(SUBMIT)

    page.wait_for_url("**/survey/about-you/")
    check_accessibility(page)
    keys.tab_to("#id_ward")
    page.keyboard.type("Northgate")
    assert page.evaluate("document.activeElement.value") == "E05000101"
    keys.choose("age_band", "65_74")
    keys.press_enter_and_wait(SUBMIT)

    page.wait_for_url("**/survey/check-answers/")
    check_accessibility(page)
    assert ResidentResponse.objects.count() == 0
    keys.press_enter_and_wait(SUBMIT)

    page.wait_for_url("**/survey/thank-you/")
    assert _heading(page) == "Thank you for your answers"
    check_accessibility(page)
    stored = ResidentResponse.objects.get()
    assert (stored.ward, stored.age_band) == (borough["north"], "65_74")
    assert sorted(stored.views.values_list("service_area__slug", "view", "accepts_community_group")) == [
        ("allotments", "neutral", False),
        ("day-care", "uneasy", False),
        ("parks", "willing", True),
    ]
    assert keys.stops > 15
