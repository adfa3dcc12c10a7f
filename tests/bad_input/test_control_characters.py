"""Control characters: refused by the field, with a clear message."""

import pytest
from django.urls import reverse

from surveys.residents.forms import AboutYouForm
from tests.surveys.registration.test_registration import ALL_PAGES

from .test_registration import step_url

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
