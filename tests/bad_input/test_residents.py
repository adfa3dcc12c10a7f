"""Bad input on the residents' survey."""

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from surveys.models import ResidentResponse, ResidentServiceView

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
