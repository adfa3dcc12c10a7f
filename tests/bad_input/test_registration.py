"""Bad input on the registration journey's pages."""

import copy
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from organisations.models import Organisation
from surveys.models import Interest
from surveys.moderation.services import registration_approve
from tests.surveys.registration.test_registration import ALL_PAGES

from .kit import (
    Visitor,
    _examples,
    added_rows,
    answer,
    example_state,
    form_data,
    honeypot,
    last_value,
    row_counts,
    text_value,
    values_of,
)

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
        "extra_details": honeypot,
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
        return bool(last_value(self.answers.get("contact", {}), "extra_details").strip())

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
    st.tuples(st.just("send"), st.just("check"), form_data({"extra_details": answer("")}), st.booleans()),
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
