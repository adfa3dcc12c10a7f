"""Bad input, property-tested with Hypothesis: no form answers with a server error, nothing half-saved.

Every public form and every step of the three public journeys (registering a group, keeping it up
to date through its link, the residents' survey), the staff sign-in form and the officers'
assessment form are sent random text (control characters, NUL bytes, right-to-left marks, emoji,
strings of 10,000+ characters), missing fields, repeated fields, numbers and lists where text goes,
tampered choices and hidden fields, and steps replayed, skipped and sent twice.

After every request: no 5xx (the view's own exception is shown if there is one). After every
sequence: the tracked tables (organisations, interests, updates, resident responses and views,
assessments) hold either nothing new or exactly one complete set, from a journey that was
completed. Each example starts from the same data: its writes are rolled back afterwards.

`EXAMPLES` says how many examples each form or journey gets.
"""

import copy
import csv
import datetime
import io
import traceback
import unicodedata
from contextlib import contextmanager
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from organisations.models import Organisation
from surveys import emails
from surveys.models import (
    Assessment,
    Interest,
    OrganisationUpdate,
    ResidentResponse,
    ResidentServiceView,
    Survey,
)
from surveys.resident_forms import AboutYouForm
from surveys.services import registration_approve
from surveys.tokens import update_token
from tests.conftest import run_outbox_worker

from .surveys.test_registration import ALL_PAGES

EXAMPLES = {
    "registration pages, one at a time": 50,
    "registration journey, as sequences of steps": 40,
    "registration journey, completed with any text the forms accept": 15,
    "update link journey (change pages, check, confirm)": 40,
    "update link journey, every answer sent after a tampered copy": 15,
    "update link request form": 30,
    "residents' survey journey": 50,
    "staff sign-in form": 30,
    "officer assessment form": 40,
}

TRACKED = (Organisation, Interest, OrganisationUpdate, ResidentResponse, ResidentServiceView, Assessment)


def _examples(name):
    return hypothesis_settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        # Each example resets its own state (see example_state), and the strategies mean to make
        # 10,000-character strings, which Hypothesis would otherwise sometimes call too large.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# --- what is sent ------------------------------------------------------------------------------

NASTY_TEXT = [
    "\x00",
    "Friends of the\x00Park",
    "\u202egroup name reversed\u202c",
    "\u200f\u200e\u200b\ufeff",
    "😀🌳👨‍👩‍👧‍👦",
    "\r\n\t \x0b\x0c",
    "\x1b[31mred\x1b[0m\x07",
    "line one\nline two",
    "<script>alert(1)</script>",
    "'; DROP TABLE organisations_organisation; --",
    "{{ request }}{% debug %}",
    "%00%0d%0a",
    '=HYPERLINK("http://evil.example")',
    "-1",
    "-99999999999999999999",
    "99999999999999999999999999",
    "1e400",
    "NaN",
    "Infinity",
    "٣٤",
    "１２",
    "   ",
    "",
]

long_text = st.builds(lambda char, n: char * n, st.characters(codec="utf-8"), st.integers(10_000, 12_000))
control_text = st.text(
    st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"], codec="utf-8"), min_size=1, max_size=12
)
text_value = st.one_of(st.text(max_size=40), control_text, st.sampled_from(NASTY_TEXT), long_text)
number_value = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
scalar_value = st.one_of(text_value, number_value)
# A field sent several times, as a tampered form or a replayed request would.
bad_value = st.one_of(scalar_value, st.lists(scalar_value, min_size=2, max_size=4))


# The honeypot people never see: mostly left empty, sometimes filled in, once or twice over.
honeypot = st.sampled_from(["", "", "", "", "", "", "buy now", " ", "\x00", ["", "spam"], ["spam", ""]])


def answer(*good):
    """A field's value: one a person could give, the same sent after a tampered copy, or a bad one."""
    if not good:
        return bad_value
    # A single-value field reads the last copy sent, so a form accepts this one: the bad copy
    # before it must be neither kept nor saved.
    tampered_copy = st.one_of(st.just("\x00"), text_value)
    shadowed = st.tuples(tampered_copy, st.sampled_from([g for g in good if not isinstance(g, list)] or [""]))
    return st.one_of(st.sampled_from(good), shadowed.map(list), bad_value)


junk_fields = st.dictionaries(
    st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12), bad_value, max_size=2
)


def form_data(spec):
    """Data for a form: any field may be missing, and a few fields nobody asked for may come too."""
    return st.builds(
        lambda fields, junk: {**junk, **fields}, st.fixed_dictionaries({}, optional=spec), junk_fields
    )


def values_of(value):
    """The values a field sent as `value` reaches the server as."""
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def last_value(data, name):
    """What a single-value field reads when a field is sent several times: the last value."""
    values = values_of(data[name]) if name in data else []
    return values[-1] if values else ""


# --- how it is sent, and what is checked after every request ------------------------------------


def _shorten(data):
    def short(value):
        if isinstance(value, list):
            return [short(v) for v in value]
        text = repr(value)
        return text if len(text) < 120 else f"{text[:100]}... ({len(text)} characters)"

    return {key: short(value) for key, value in (data or {}).items()}


class Visitor:
    """A browser of its own (its own session) that fails the test on any server error."""

    def __init__(self, capture_on_commit, **defaults):
        self.client = Client(raise_request_exception=False, **defaults)
        self.capture_on_commit = capture_on_commit

    def get(self, url, **extra):
        return self._checked("GET", url, None, lambda: self.client.get(url, **extra))

    def post(self, url, data=None, *, urlencoded=False, **extra):
        data = data or {}

        def send():
            if urlencoded:
                body = urlencode({k: values_of(v) for k, v in data.items()}, doseq=True)
                return self.client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)
            return self.client.post(url, data, **extra)

        return self._checked("POST", url, data, send)

    def _checked(self, method, url, data, send):
        # Emails are sent once the transaction commits: run them, so their failures show too.
        with self.capture_on_commit(execute=True):
            response = send()
        if response.status_code >= 500:
            if response.exc_info:
                detail = "".join(traceback.format_exception(*response.exc_info))
            else:
                detail = response.content.decode(errors="replace")[:3000]
            raise AssertionError(
                f"{method} {url} answered {response.status_code}\ndata: {_shorten(data)}\n{detail}"
            )
        return response


def row_counts():
    return {model.__name__: model.objects.count() for model in TRACKED}


def added_rows(before):
    after = row_counts()
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


@contextmanager
def example_state():
    """One example: fresh rate limits, and every write undone afterwards."""
    cache.clear()
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
            cache.clear()


@pytest.fixture
def public_forms(settings):
    """Room for many submissions from one address, and moderators to email about each one."""
    settings.RATE_LIMIT_SUBMISSIONS = 10_000
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]


# --- the registration journey ---------------------------------------------------------------------

REGISTRATION_SERVICES = ["parks", "allotments", "day-care"]
PROFILE_KEYS = ["about", "type", "where", "size"]

COUNT = ("", "0", "12", "100000", "100001", "-4", "3.5", "twelve")
INTEREST_SPEC = {
    "roles": answer(["deliver"], ["co_govern"], ["deliver", "co_govern"], "govern", []),
    "involvement": answer(*Interest.Involvement.values, "privatise"),
    "readiness": answer(*Interest.Readiness.values, "yesterday"),
    "volunteers_offered": answer(*COUNT),
    "hours_per_week": answer(*COUNT),
    "support_needed": answer(["funding", "training"], "premises", ["money"]),
    "costs": answer("", "About £2,000 a year."),
    "benefits": answer("", "Tidier park."),
    "concerns": answer(""),
}
PAGE_SPECS = {
    "about": {
        "name": answer("Friends of Riverside Park", "Friends of Ashwick Park"),
        "description": answer("", "We look after Riverside Park."),
    },
    "type": {
        "org_type": answer(*Organisation.OrgType.values),
        "charity_regulator": answer("", *Organisation.CharityRegulator.values),
        "charity_number": answer("", "1123456", "SC012345", "100123"),
        "company_number": answer("", "01234567", "SC123456"),
        "society_number": answer("", "31234R"),
    },
    "where": {
        "area": answer("borough", "wards"),
        "wards": answer(["E05000101"], ["E05000101", "E05000102"], "E05999999", "friends"),
    },
    "size": {
        "volunteers": answer(*COUNT),
        "paid_staff": answer(*COUNT),
        "income_band": answer("", *Organisation.IncomeBand.values),
        "year_founded": answer("", "1998", "1599", "3020"),
        "safeguarding_policy": answer("yes", "no"),
        "public_liability_insurance": answer("yes", "no"),
    },
    "services": {
        # Other groups' slugs, a service closed to interest, and the same service twice.
        "services": answer(
            ["parks"], ["parks", "day-care"], "allotments", "closed", "friends", ["parks", "parks"]
        ),
    },
    "contact": {
        "contact_name": answer("Ada Lovelace"),
        "contact_email": answer("ada@example.org", "ADA@EXAMPLE.ORG", "ada@", "ada@localhost"),
        "contact_phone": answer("", "01632 960001"),
        "postcode": answer("", "AW1 2AB", "sw1a1aa", "XYZ"),
        "website": answer("", "https://example.org", "example.org", "javascript:alert(1)"),
        "public_email": answer(""),
        "public_phone": answer(""),
        "consent": answer("on", "", "off"),
        # The honeypot: people never fill it in.
        "fax_number": honeypot,
    },
}
STEP_KEYS = [
    *PROFILE_KEYS,
    "services",
    *[f"service-{slug}" for slug in REGISTRATION_SERVICES],
    "service-closed",
    "service-friends",
    "contact",
    "no-such-page",
]


def some_data(spec, good):
    """Anything at all for a form, or good answers with one or two of them tampered with."""
    tampered = st.dictionaries(st.sampled_from(sorted(spec)), st.none(), max_size=2).flatmap(
        lambda chosen: st.fixed_dictionaries({name: spec[name] for name in chosen})
    )
    return st.one_of(form_data(spec), tampered.map(lambda changes: {**good, **changes}))


def page_data(key):
    spec = INTEREST_SPEC if key.startswith("service-") else PAGE_SPECS.get(key, PAGE_SPECS["about"])
    return some_data(spec, dict(ALL_PAGES).get("service-parks" if key.startswith("service-") else key, {}))


class JourneyModel:
    """What a journey should hold, worked out from the pages the site accepted (redirected)."""

    def __init__(self, answers=None, services=()):
        self.answers = copy.deepcopy(answers or {})
        self.services = list(services)

    def accepted(self, key, data):
        self.answers[key] = data

    def chosen(self):
        chosen = values_of(self.answers.get("services", {}).get("services", []))
        return [slug for slug in dict.fromkeys(chosen) if slug in self.services]

    def complete(self):
        needed = [*PROFILE_KEYS, "contact"]
        if self.services:
            needed += ["services", *(f"service-{slug}" for slug in self.chosen())]
        return all(key in self.answers for key in needed)

    def honeypot_filled(self):
        return bool(last_value(self.answers.get("contact", {}), "fax_number"))

    def outcome(self):
        """What sending should do now, for Hypothesis's statistics."""
        return "honeypot" if self.honeypot_filled() else "complete" if self.complete() else "incomplete"


def step_url(key):
    return reverse("surveys:register_step", args=[key])


@pytest.mark.django_db
@_examples("registration pages, one at a time")
@given(
    ready=st.integers(0, len(ALL_PAGES)),
    key=st.sampled_from(STEP_KEYS),
    data=st.data(),
    change=st.booleans(),
    urlencoded=st.booleans(),
)
def test_any_answer_on_any_registration_page_is_never_a_server_error(
    borough, public_forms, django_capture_on_commit_callbacks, ready, key, data, change, urlencoded
):
    sent = data.draw(page_data(key), label="sent")
    with example_state():
        visitor = Visitor(django_capture_on_commit_callbacks)
        for done_key, done_data in ALL_PAGES[:ready]:
            visitor.post(step_url(done_key), done_data)
        before, kept = row_counts(), visitor.client.session.get("registration", {}).get(key)
        url = step_url(key) + ("?change=1" if change else "")
        response = visitor.post(url, sent, urlencoded=urlencoded)
        assert response.status_code in (200, 302, 404)
        if response.status_code == 200:
            # Refused: the page says why, by the field and in the summary, and keeps nothing new.
            page = response.content.decode()
            assert "There is a problem" in page and "govuk-error-message" in page
            assert visitor.client.session.get("registration", {}).get(key) == kept
        visitor.get(url)
        visitor.get(reverse("surveys:register_check"))
        assert added_rows(before) == {}


registration_step = st.one_of(
    st.sampled_from(STEP_KEYS).flatmap(
        lambda key: st.tuples(st.just("post"), st.just(key), page_data(key), st.booleans())
    ),
    st.tuples(st.just("get"), st.sampled_from([*STEP_KEYS, "check"]), st.just({}), st.booleans()),
    st.tuples(st.just("send"), st.just("check"), form_data({"fax_number": answer("")}), st.booleans()),
)


@pytest.mark.django_db
@_examples("registration journey, as sequences of steps")
@given(
    # Often every page answered well first, so that the steps after it can spoil or finish it.
    ready=st.one_of(st.just(len(ALL_PAGES)), st.integers(0, len(ALL_PAGES))),
    steps=st.lists(registration_step, min_size=1, max_size=6),
    replay=st.booleans(),
)
def test_a_registration_saves_one_whole_group_or_nothing(
    borough, public_forms, django_capture_on_commit_callbacks, ready, steps, replay
):
    check_url = reverse("surveys:register_check")
    # Some valid pages first, so that later steps meet a partly and a wholly answered journey;
    # then the final step is sent (and perhaps sent again).
    steps = [("post", key, page, False) for key, page in ALL_PAGES[:ready]] + steps
    steps += [("send", "check", {}, False)] * (2 if replay else 1)
    with example_state():
        visitor = Visitor(django_capture_on_commit_callbacks)
        model = JourneyModel(services=REGISTRATION_SERVICES)
        for action, key, sent, change in steps:
            before = row_counts()
            if action == "get":
                visitor.get(check_url if key == "check" else step_url(key))
                assert added_rows(before) == {}
            elif action == "post":
                url = step_url(key) + ("?change=1" if change else "")
                if visitor.post(url, sent).status_code == 302:
                    model.accepted(key, sent)
                assert added_rows(before) == {}
            else:
                response = visitor.post(check_url, sent)
                added = added_rows(before)
                event(model.outcome())
                if model.honeypot_filled():
                    # Filled in by a machine: it looks sent, and nothing is kept.
                    assert response.url == reverse("surveys:register_done")
                    assert added == {}, "a honeypot registration saved something"
                    model = JourneyModel(services=REGISTRATION_SERVICES)
                elif model.complete():
                    chosen = model.chosen()
                    assert response.url == reverse("surveys:register_done")
                    expected = {"Organisation": 1, "Interest": len(chosen)}
                    assert added == {name: n for name, n in expected.items() if n}
                    group = Organisation.objects.latest("pk")
                    assert (group.status, group.consent_at is not None) == ("pending", True)
                    slugs = group.interests.values_list("service_area__slug", flat=True)
                    assert sorted(slugs) == sorted(chosen)
                    assert group.reference in visitor.get(response.url).content.decode()
                    model = JourneyModel(services=REGISTRATION_SERVICES)
                else:
                    assert added == {}, "a journey that was not completed saved something"


@pytest.mark.django_db
def test_a_service_sent_twice_is_asked_about_once(client, borough):
    for key, page in ALL_PAGES[:4]:
        client.post(step_url(key), page)
    assert client.post(step_url("services"), {"services": ["parks", "parks"]}).url == step_url(
        "service-parks"
    )
    assert client.post(step_url("service-parks"), dict(ALL_PAGES)["service-parks"]).url == step_url("contact")


# Text a person might paste in: any script, emoji, marks and spaces, but no control characters.
pasted_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), min_size=1, max_size=60)
TYPED_FIELDS = {
    ("about", "name"): pasted_text,
    ("about", "description"): pasted_text,
    ("service-parks", "costs"): pasted_text,
    ("service-parks", "benefits"): pasted_text,
    ("contact", "contact_name"): pasted_text,
    ("contact", "contact_phone"): pasted_text.map(lambda text: text[:30]),
}


def _consume(response):
    """Read a whole response, streamed or not, so an export's own errors show."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
@_examples("registration journey, completed with any text the forms accept")
@given(
    pasted=st.fixed_dictionaries(TYPED_FIELDS),
    # Sometimes one answer is spoiled with text that should be refused, by that field.
    spoiled=st.one_of(st.none(), st.tuples(st.sampled_from(sorted(TYPED_FIELDS)), text_value)),
)
def test_whatever_text_the_journey_accepts_is_saved_whole_and_every_page_can_show_it(
    borough, public_forms, officer, django_capture_on_commit_callbacks, pasted, spoiled
):
    if spoiled:
        pasted[spoiled[0]] = spoiled[1]
    typed = {}
    for (key, field), text in pasted.items():
        typed.setdefault(key, {})[field] = text
    name = typed["about"]["name"]
    with example_state():
        visitor = Visitor(django_capture_on_commit_callbacks)
        refused = False
        for key, page in ALL_PAGES:
            response = visitor.post(step_url(key), {**page, **typed.get(key, {})})
            if response.status_code == 200:
                assert "There is a problem" in response.content.decode()
                refused = True
        before = row_counts()
        visitor.get(reverse("surveys:register_check"))
        response = visitor.post(reverse("surveys:register_check"))
        event("refused" if refused else "accepted")
        if refused:
            assert added_rows(before) == {}
            return
        assert response.url == reverse("surveys:register_done")
        assert added_rows(before) == {"Organisation": 1, "Interest": 2}
        group = Organisation.objects.latest("pk")
        assert group.name == name.strip()

        office = Visitor(django_capture_on_commit_callbacks)
        office.client.force_login(officer)
        office.get(reverse("surveys:moderation"))
        office.get(reverse("surveys:moderation_registration", args=[group.pk]))
        with django_capture_on_commit_callbacks(execute=True):
            registration_approve(organisation=group, reviewer=officer)
        for url in (
            reverse("surveys:matrix"),
            reverse("surveys:matrix") + "?q=" + quote(name.strip()[:50]),
            reverse("surveys:matrix_csv"),
            reverse("surveys:matrix_xlsx"),
            reverse("organisations:detail", args=[group.slug]),
            reverse("services:detail", args=["parks"]),
            reverse("services:list"),
            reverse("dashboard"),
        ):
            response = office.get(url)
            assert response.status_code == 200, url
            _consume(response)


# --- keeping a record up to date through the group's link ----------------------------------------

UPDATE_ACTIONS = [*["post"] * 6, "get", "send", "send", "confirm", "erase", "home"]
TOKENS = [*["valid"] * 8, "pending", "altered", "made up"]
UPDATE_PAGES = [*PROFILE_KEYS, "services", "service-parks", "service-allotments", "contact"]

update_step = st.tuples(
    st.sampled_from(UPDATE_ACTIONS),
    st.one_of(st.sampled_from(UPDATE_PAGES), st.sampled_from(STEP_KEYS)),
    st.booleans(),
    st.sampled_from(TOKENS),
).flatmap(lambda t: st.tuples(*map(st.just, t), page_data(t[1]), text_value))


def _record(organisation):
    """What officers see of a group: it must not change until a moderator accepts an update."""
    organisation.refresh_from_db()
    interests = sorted(
        organisation.interests.values_list("survey_id", "service_area_id", "delivers", "readiness", "costs")
    )
    fields = {f.name: getattr(organisation, f.name) for f in Organisation._meta.concrete_fields}
    for changing in ("last_confirmed_at", "erasure_requested_at", "link_nonce", "updated_at"):
        fields.pop(changing)
    return fields, sorted(organisation.wards.values_list("pk", flat=True)), interests


@pytest.fixture
def linked_group(borough):
    friends = borough["friends"]
    Organisation.objects.filter(pk=friends.pk).update(
        consent_at=friends.created_at, contact_name="Ada Lovelace", contact_email="ada@example.org"
    )
    friends.refresh_from_db()
    pending = Organisation.objects.get(slug="pending")
    return {"group": friends, "valid": update_token(friends), "pending": update_token(pending)}


def _update_url(token, action, key):
    token = quote(token, safe="")
    return {
        "post": f"/update/{token}/change/{key}/",
        "get": f"/update/{token}/change/{key}/",
        "send": f"/update/{token}/change/check/",
        "confirm": f"/update/{token}/confirm/",
        "erase": f"/update/{token}/delete/",
        "home": f"/update/{token}/",
    }[action]


@pytest.mark.django_db
@_examples("update link journey (change pages, check, confirm)")
@given(steps=st.lists(update_step, min_size=1, max_size=8), replay=st.booleans())
def test_a_groups_changes_are_held_whole_for_review_or_not_at_all(
    linked_group, public_forms, django_capture_on_commit_callbacks, steps, replay
):
    group = linked_group["group"]
    starting = {key: {} for key in [*PROFILE_KEYS, "services", "contact"]}
    starting["services"] = {"services": ["parks", "allotments"]}
    starting |= {"service-parks": {}, "service-allotments": {}}
    if replay:
        steps = [*steps, ("send", "check", False, "valid", {}, ""), ("send", "check", False, "valid", {}, "")]
    with example_state():
        approved = _record(group)
        visitor = Visitor(django_capture_on_commit_callbacks)
        model, used = JourneyModel(starting, services=REGISTRATION_SERVICES), False
        for action, key, change, which, sent, made_up in steps:
            token = {
                "valid": linked_group["valid"],
                "pending": linked_group["pending"],
                "altered": linked_group["valid"][:-1] + ("A" if linked_group["valid"][-1] != "A" else "B"),
                "made up": made_up,
            }[which]
            url = _update_url(token, action, key) + ("?change=1" if change else "")
            before = row_counts()
            response = visitor.get(url) if action in ("get", "home") else visitor.post(url, sent)
            added = added_rows(before)
            if which != "valid":
                assert response.status_code in (404, 405, 410), url
                assert added == {}
                continue
            if used:
                assert response.status_code == 410, f"{url} still works after the link was used"
                assert added == {}
                continue
            if action == "post" and response.status_code == 302:
                model.accepted(key, sent)
            if action in ("confirm", "erase"):
                assert response.status_code == 200
                used = True
            if action == "send":
                event(model.outcome())
                if model.honeypot_filled():
                    assert response.url == reverse("surveys:update_sent")
                    assert added == {}
                    model = JourneyModel(starting, services=REGISTRATION_SERVICES)
                    continue
                if model.complete():
                    assert response.url == reverse("surveys:update_sent")
                    assert added == {"OrganisationUpdate": 1}
                    used = True
                    continue
            assert added == {}
        # The matrix and every officer page keep the approved answers until a moderator accepts.
        assert _record(group) == approved


MULTIPLE_CHOICE_FIELDS = {"wards", "services", "roles", "support_needed"}


def _single_value_fields(key):
    spec = INTEREST_SPEC if key.startswith("service-") else PAGE_SPECS[key]
    return [name for name in spec if name not in MULTIPLE_CHOICE_FIELDS]


@pytest.mark.django_db
@_examples("update link journey, every answer sent after a tampered copy")
@given(copies=st.lists(st.one_of(st.just("\x00"), text_value), min_size=1, max_size=5))
def test_a_tampered_copy_sent_before_an_answer_is_neither_kept_nor_saved(
    linked_group, public_forms, django_capture_on_commit_callbacks, copies
):
    token = linked_group["valid"]
    with example_state():
        visitor = Visitor(django_capture_on_commit_callbacks)
        n = 0
        for key, page in ALL_PAGES:
            sent = dict(page)
            for name in _single_value_fields(key):
                sent[name] = [copies[n % len(copies)], sent.get(name, "")]
                n += 1
            url = reverse("surveys:update_step", args=[token, key])
            assert visitor.post(url, sent).status_code == 302, key
        before = row_counts()
        response = visitor.post(reverse("surveys:update_check", args=[token]))
        assert response.url == reverse("surveys:update_sent")
        assert added_rows(before) == {"OrganisationUpdate": 1}
        kept = OrganisationUpdate.objects.latest("pk").answers
        for key, page in ALL_PAGES:
            for name in _single_value_fields(key):
                assert kept[key][name] == [page.get(name, "")], f"a tampered copy of {name} was kept"


@pytest.mark.django_db
@_examples("update link request form")
@given(sent=form_data({"email": answer("ada@example.org", "ADA@example.org", "nobody@example.org", "ada@")}))
def test_asking_for_a_new_link_with_any_input_is_never_a_server_error(
    linked_group, public_forms, django_capture_on_commit_callbacks, sent
):
    with example_state():
        visitor = Visitor(django_capture_on_commit_callbacks)
        before = row_counts()
        response = visitor.post(reverse("surveys:update_request"), sent)
        if response.status_code == 200:
            assert "There is a problem" in response.content.decode()
        else:
            assert response.url == reverse("surveys:update_requested")
        assert added_rows(before) == {}


# --- the residents' survey ------------------------------------------------------------------------


@pytest.fixture
def residents_round(borough, make_survey):
    now = timezone.now()
    return make_survey(
        slug="residents-2026",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=25),
    )


SECTIONS = {"parks-cat": ["parks", "allotments"], "care-cat": ["day-care"]}
VIEWS = [value for value, _label in ResidentServiceView.View.choices]


def resident_step(borough):
    pks = [borough[name].pk for name in ("parks", "allotments", "day_care", "closed")] + [999_999]
    section_spec = {"extra_details": honeypot}
    for pk in pks:
        section_spec[f"view_{pk}"] = answer(*VIEWS, *VIEWS, "delighted")
        section_spec[f"ways_{pk}"] = answer([], ["volunteers"], ["community_group", "mutual"], "privatise")
    about_spec = {
        "ward": answer("", "E05000101", "E05000102", "E05999999", str(borough["north"].pk)),
        "age_band": answer("", "25_34", "not_said", "200"),
        "extra_details": honeypot,
    }
    return st.one_of(
        st.tuples(
            st.just("section"),
            st.sampled_from([*SECTIONS, "no-such-category", "friends"]),
            form_data(section_spec),
        ),
        st.tuples(st.just("about"), st.just(""), form_data(about_spec)),
        st.tuples(st.sampled_from(["start", "check", "thanks"]), st.just(""), st.just({})),
        st.tuples(st.just("send"), st.just(""), form_data({"extra_details": honeypot})),
    )


RESIDENT_URLS = {
    "start": reverse("surveys:resident_start"),
    "about": reverse("surveys:resident_about"),
    "check": reverse("surveys:resident_check"),
    "send": reverse("surveys:resident_check"),
    "thanks": reverse("surveys:resident_thanks"),
}


@pytest.mark.django_db
@_examples("residents' survey journey")
@given(data=st.data(), ready=st.integers(0, 3), replay=st.booleans(), urlencoded=st.booleans())
def test_a_residents_answers_are_stored_whole_once_or_not_at_all(
    borough,
    residents_round,
    public_forms,
    django_capture_on_commit_callbacks,
    data,
    ready,
    replay,
    urlencoded,
):
    parks, allotments, day_care = (borough[name].pk for name in ("parks", "allotments", "day_care"))
    answered_well = [
        ("section", "parks-cat", {f"view_{parks}": "willing", f"view_{allotments}": "uneasy"}),
        ("section", "care-cat", {f"view_{day_care}": "dont_know", f"ways_{day_care}": ["mutual"]}),
        ("about", "", {"ward": "E05000101", "age_band": "25_34"}),
    ]
    steps = data.draw(st.lists(resident_step(borough), min_size=1, max_size=6), label="steps")
    steps = answered_well[:ready] + steps + [("send", "", {})] * (2 if replay else 1)
    with example_state():
        visitor = Visitor(django_capture_on_commit_callbacks)
        answered_sections, about, answered = set(), False, False
        for action, slug, sent in steps:
            if action == "section":
                url = reverse("surveys:resident_section", args=[slug])
            else:
                url = RESIDENT_URLS[action]
            before = row_counts()
            if action in ("section", "about", "send"):
                response = visitor.post(url, sent, urlencoded=urlencoded)
            else:
                response = visitor.get(url)
            added = added_rows(before)
            if answered or slug not in (*SECTIONS, ""):
                # Already answered (or no such page): nothing more is stored from this browser.
                assert added == {}
                continue
            machine = action in ("section", "about", "send") and last_value(sent, "extra_details").strip()
            if machine:
                assert response.url == RESIDENT_URLS["thanks"]
                assert added == {}
                answered = True
                event("honeypot")
                continue
            if action == "section" and response.status_code == 302:
                answered_sections.add(slug)
            if action == "about" and response.status_code == 302:
                about = True
            if action == "send":
                complete = answered_sections == set(SECTIONS) and about
                event("complete" if complete else "incomplete")
                if complete:
                    assert response.url == RESIDENT_URLS["thanks"]
                    assert added == {"ResidentResponse": 1, "ResidentServiceView": 3}
                    stored = ResidentResponse.objects.latest("pk")
                    slugs = stored.views.values_list("service_area__slug", flat=True)
                    assert sorted(slugs) == ["allotments", "day-care", "parks"]
                    answered = True
                    continue
            assert added == {}, f"{action} stored something before the answers were sent"


# --- staff sign-in --------------------------------------------------------------------------------

USERNAME, PASSWORD = "officer-signin", "correct-horse-battery-staple-42"


@pytest.mark.django_db
@_examples("staff sign-in form")
@given(
    attempts=st.lists(
        st.one_of(
            form_data(
                {
                    "username": answer(USERNAME, USERNAME.upper(), "nobody", ""),
                    "password": answer(PASSWORD, "not-the-password", ""),
                    "next": answer(
                        "/matrix/", "https://evil.example/", "//evil.example/", "javascript:alert(1)"
                    ),
                }
            ),
            st.builds(
                lambda next_url: {"username": USERNAME, "password": PASSWORD, "next": next_url},
                answer("/matrix/", "https://evil.example/", "//evil.example/"),
            ),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_signing_in_with_any_input_is_never_a_server_error_nor_lets_anyone_in(
    borough, django_user_model, django_capture_on_commit_callbacks, settings, attempts
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with example_state():
        user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
        visitor = Visitor(django_capture_on_commit_callbacks)
        for sent in attempts:
            before = row_counts()
            already = visitor.client.session.get("_auth_user_id")
            response = visitor.post(reverse("login"), sent)
            signed_in = visitor.client.session.get("_auth_user_id")
            event("signed in" if signed_in else f"not signed in: {response.status_code}")
            if already:
                # Signed in already: the sign-in page sends the officer on, never off the site.
                assert response.status_code == 302
            elif signed_in:
                assert signed_in == str(user.pk)
                username = unicodedata.normalize("NFKC", last_value(sent, "username")).strip()
                assert (username, last_value(sent, "password")) == (USERNAME, PASSWORD)
            else:
                assert response.status_code in (200, 403, 429)
            if response.status_code == 302:
                assert url_has_allowed_host_and_scheme(response.url, allowed_hosts={"testserver"})
            assert added_rows(before) == {}


@pytest.mark.django_db
def test_a_username_longer_than_any_is_refused_by_the_field(client, django_user_model):
    response = client.post(reverse("login"), {"username": "o" * 10_000, "password": PASSWORD})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters (it has 10000)." in response.content.decode()


# --- officers' assessments ------------------------------------------------------------------------

POUNDS = ("", "12000", "£12,000", "12,000.50", "-5", "1e400", "NaN", "12.345", "9999999999999")


@pytest.mark.django_db
@_examples("officer assessment form")
@given(
    sent=some_data(
        {
            "estimated_cost": answer(*POUNDS),
            "estimated_saving": answer(*POUNDS),
            "social_value": answer("", "Local jobs."),
            "risks": answer(""),
            "risk_rating": answer(*Assessment.RiskRating.values, "catastrophic"),
            "recommendation": answer(*Assessment.Recommendation.values, "outsource"),
            "notes": answer(""),
        },
        {
            "estimated_cost": "£12,000",
            "social_value": "Local jobs.",
            "risk_rating": "low",
            "recommendation": "pilot",
        },
    ),
    target=st.sampled_from(["this", "this", "this", "other service", "pending group", "no such", "huge"]),
    twice=st.booleans(),
)
def test_an_assessment_is_saved_whole_or_not_at_all(
    borough, officer, django_capture_on_commit_callbacks, sent, target, twice
):
    interest = Interest.objects.get(organisation=borough["friends"], service_area=borough["parks"])
    pending = Interest.objects.get(organisation__slug="pending")
    url = {
        "this": reverse("services:assess", args=["parks", interest.pk]),
        "other service": reverse("services:assess", args=["day-care", interest.pk]),
        "pending group": reverse("services:assess", args=["day-care", pending.pk]),
        "no such": reverse("services:assess", args=["parks", 999_999]),
        "huge": f"/services/parks/assessments/{10**30}/",
    }[target]
    with example_state():
        visitor = Visitor(django_capture_on_commit_callbacks)
        visitor.client.force_login(officer)
        for attempt in range(2 if twice else 1):
            before = row_counts()
            response = visitor.post(url, sent)
            added = added_rows(before)
            if target != "this":
                assert response.status_code == 404
                assert added == {}
            elif response.status_code == 302:
                saved = Assessment.objects.get(interest=interest)
                assert saved.author == officer
                assert saved.risk_rating == last_value(sent, "risk_rating")
                assert added in ({"Assessment": 1}, {})  # the second time, the same one is changed
            else:
                assert "There is a problem" in response.content.decode()
                assert added == {}
                assert attempt or not Assessment.objects.filter(interest=interest).exists()
            event(f"{target}: {response.status_code}")


# --- control characters: refused by the field, with a clear message ----------------------------

CONTROL_MESSAGE = "Remove the hidden control characters from this answer"
TEXT_FIELDS = [
    ("about", "name"),
    ("about", "description"),
    ("type", "charity_number"),
    ("type", "company_number"),
    ("service-parks", "costs"),
    ("service-parks", "concerns"),
    ("contact", "contact_name"),
    ("contact", "contact_phone"),
    ("contact", "postcode"),
    ("contact", "website"),
    ("contact", "public_phone"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "field"), TEXT_FIELDS)
@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x07", "\x7f"], ids=["NUL", "ESC", "BEL", "DEL"])
def test_control_characters_are_refused_by_the_field_and_the_rest_is_kept(
    client, borough, key, field, control
):
    pages = dict(ALL_PAGES)
    for done_key, done_data in ALL_PAGES[:5]:
        client.post(step_url(done_key), done_data)
    sent = {**pages[key], field: f"Riverside{control}Park"}
    kept = client.session.get("registration", {}).get(key)
    response = client.post(step_url(key), sent)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_{field}">{CONTROL_MESSAGE}' in page, "in the error summary, linked to the field"
    assert f'id="id_{field}_1_error" class="govuk-error-message"' in page, "by the field"
    assert page.count(CONTROL_MESSAGE) == 2
    for name, value in sent.items():
        if name != field and isinstance(value, str) and value:
            assert value in page or value.replace("'", "&#x27;") in page  # the rest is kept
    assert client.session.get("registration", {}).get(key) == kept


@pytest.mark.django_db
def test_text_areas_keep_line_breaks_and_tabs(client, borough):
    response = client.post(step_url("about"), {"name": "Riverside", "description": "Line one\r\nLine\ttwo"})
    assert response.status_code == 302
    assert client.session["registration"]["about"]["description"] == ["Line one\r\nLine\ttwo"]
    refused = client.post(step_url("about"), {"name": "River\nside", "description": ""})
    assert CONTROL_MESSAGE in refused.content.decode(), "a one-line answer has no line breaks"


@pytest.mark.django_db
def test_the_residents_and_link_request_forms_refuse_control_characters(client, borough, residents_round):
    response = client.post(reverse("surveys:update_request"), {"email": "ada\x00@example.org"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    form = AboutYouForm({"ward": "", "age_band": "", "extra_details": "\x1b"})
    assert not form.is_valid() and CONTROL_MESSAGE in str(form.errors["extra_details"])


# --- what people type is escaped wherever it is shown ----------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'


def assert_escaped(html, where):
    assert "<script>alert(1)" not in html, f"raw <script> on {where}"
    assert "<img src=x onerror" not in html, f"raw <img onerror> on {where}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script&gt;alert(1)" in html, (
        f"the text is not shown on {where}"
    )


@pytest.mark.django_db
def test_user_text_is_escaped_wherever_it_is_shown(borough, officer, admin_user_, settings):
    settings.RATE_LIMIT_SUBMISSIONS = 100
    cache.clear()
    typed = {
        "about": {"name": f"Friends {SCRIPT}{IMAGE}", "description": f"We {SCRIPT} and {IMAGE}"},
        "service-parks": {"costs": f"{SCRIPT}{IMAGE}", "benefits": IMAGE, "concerns": SCRIPT},
        "contact": {"contact_name": f"Ada {SCRIPT}{IMAGE}"},
    }
    group_browser = Client()
    for key, page in ALL_PAGES:
        assert group_browser.post(step_url(key), {**page, **typed.get(key, {})}).status_code == 302, key
    assert_escaped(
        group_browser.get(reverse("surveys:register_check")).content.decode(), "check your answers"
    )
    group_browser.post(reverse("surveys:register_check"))
    group = Organisation.objects.get(name=typed["about"]["name"])
    interest = group.interests.get(service_area__slug="parks")

    office = Client()
    office.force_login(officer)
    pages = {
        "the moderation queue": reverse("surveys:moderation"),
        "the registration review": reverse("surveys:moderation_registration", args=[group.pk]),
        "the dashboard": reverse("dashboard"),
    }
    for where, url in pages.items():
        assert_escaped(office.get(url).content.decode(), where)
    office.post(reverse("surveys:moderation_registration", args=[group.pk]), {"action": "approve"})
    group.refresh_from_db()
    assert group.status == "approved"
    pages = {
        "the matrix": reverse("surveys:matrix"),
        "the matrix, searched": reverse("surveys:matrix") + "?q=" + quote(SCRIPT),
        "the organisation page": reverse("organisations:detail", args=[group.slug]),
        "the service page": reverse("services:detail", args=["parks"]),
        "the assessment page": reverse("services:assess", args=["parks", interest.pk]),
    }
    for where, url in pages.items():
        assert_escaped(office.get(url).content.decode(), where)

    # The group changes its answers through its link; the moderator sees the change field by field.
    token = update_token(group)
    group_browser.post(
        reverse("surveys:update_step", args=[token, "about"]) + "?change=1",
        {"name": f"Renamed {SCRIPT}", "description": IMAGE},
    )
    assert_escaped(
        group_browser.get(reverse("surveys:update_check", args=[token])).content.decode(), "checking a change"
    )
    group_browser.post(reverse("surveys:update_check", args=[token]))
    update = OrganisationUpdate.objects.get(organisation=group)
    assert_escaped(
        office.get(reverse("surveys:moderation_update", args=[update.pk])).content.decode(), "update"
    )

    admin = Client()
    admin.force_login(admin_user_)
    for where, url in {
        "the admin list": reverse("admin:organisations_organisation_changelist"),
        "the admin record": reverse("admin:organisations_organisation_change", args=[group.pk]),
        "the admin history": reverse("admin:organisations_organisation_history", args=[group.pk]),
        "the admin interests": reverse("admin:surveys_interest_changelist"),
    }.items():
        response = admin.get(url)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), where)


# --- exports neutralise formulas --------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(response):
    text = _consume(response).decode("utf-8").lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _xlsx_cells(response):
    workbook = load_workbook(io.BytesIO(_consume(response)), read_only=True)
    return [cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]


@pytest.mark.django_db
def test_exports_neutralise_cells_a_spreadsheet_would_run(
    borough, officer, make_organisation, make_interest, make_service, make_survey, make_resident_response
):
    formula_service = make_service(name="=SUM(1+1)", slug="formula", category=borough["parks_cat"])
    for n, name in enumerate(FORMULAS):
        group = make_organisation(name=name, slug=f"formula-{n}", borough_wide=True)
        make_interest(survey=borough["current"], organisation=group, service_area=borough["parks"])
    # Text from an import or the admin may hold control characters a workbook cannot.
    bell = make_organisation(name="Bell\x07 Ringers\x0b", slug="bell", borough_wide=True)
    make_interest(survey=borough["current"], organisation=bell, service_area=formula_service)

    office = Client()
    office.force_login(officer)
    csv_cells = _csv_cells(office.get(reverse("surveys:matrix_csv")))
    xlsx_cells = [c for c in _xlsx_cells(office.get(reverse("surveys:matrix_xlsx"))) if isinstance(c, str)]
    # XML reads a carriage return back as a line feed.
    xlsx_cells = [c.replace("\n", "\r") if c.endswith("=1+1") else c for c in xlsx_cells]
    for cells in (csv_cells, xlsx_cells):
        assert not [c for c in cells if c.startswith(TRIGGERS)], "a cell would run as a formula"
        for name in FORMULAS:
            assert "'" + name in cells
        assert "'=SUM(1+1)" in cells
    assert "Bell Ringers" in xlsx_cells

    now = timezone.now()
    residents = make_survey(
        slug="residents-2025",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now - datetime.timedelta(days=10),
    )
    make_resident_response({formula_service: "willing", borough["parks"]: "uneasy"}, survey=residents)
    results = _csv_cells(office.get(reverse("surveys:resident_results_csv") + "?survey=residents-2025"))
    assert "'=SUM(1+1)" in results
    assert not [c for c in results if c.startswith(TRIGGERS)]


@pytest.mark.django_db
def test_a_name_with_a_line_break_still_makes_a_one_line_email_subject(
    borough, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]
    group = borough["friends"]
    group.name = "Friends of\r\nAshwick Park"  # as an import or the admin might bring it in
    with django_capture_on_commit_callbacks(execute=True):
        emails.erasure_requested(group)
    run_outbox_worker()
    (message,) = mailoutbox
    assert message.subject == "Deletion requested: Friends of Ashwick Park"
