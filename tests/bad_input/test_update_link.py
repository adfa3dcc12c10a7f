"""Bad input through a group's update link, and on the link request form."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from organisations.models import Organisation
from surveys.models import OrganisationUpdate
from tests.surveys.registration.test_registration import ALL_PAGES

from .kit import Visitor, _examples, added_rows, answer, example_state, form_data, row_counts, text_value
from .test_registration import (
    INTEREST_SPEC,
    PAGE_SPECS,
    PROFILE_KEYS,
    REGISTRATION_SERVICES,
    STEP_KEYS,
    JourneyModel,
    page_data,
)

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
