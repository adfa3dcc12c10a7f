"""Rounds of one kind may not overlap; the services overview lets an officer pick the residents' round."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Survey


def _round_form(kind, opens, closes, slug):
    return {
        "title": f"Round {slug}",
        "slug": slug,
        "kind": kind,
        "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": "09:00:00",
        "closes_at_0": closes.strftime("%Y-%m-%d"),
        "closes_at_1": "17:00:00",
        "introduction": "",
    }


@pytest.fixture
def open_residents_round(make_survey):
    today = timezone.localdate()
    return make_survey(
        title="Residents’ views 2026",
        slug="residents-2026",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=10), datetime.time(9))
        ),
        closes_at=timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=20), datetime.time(17))
        ),
    )


@pytest.mark.django_db
def test_the_admin_refuses_an_overlapping_round_of_the_same_kind(admin_client_, open_residents_round):
    today = timezone.localdate()
    form = _round_form(
        Survey.Kind.RESIDENT_VIEWS,
        today + datetime.timedelta(days=5),
        today + datetime.timedelta(days=60),
        "clash",
    )
    response = admin_client_.post(reverse("admin:surveys_survey_add"), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Residents’ views 2026" in page
    opens, closes = open_residents_round.opens_at, open_residents_round.closes_at
    assert f"{timezone.localtime(opens):%-d %B %Y} to {timezone.localtime(closes):%-d %B %Y}" in page
    assert not Survey.objects.filter(slug="clash").exists()


@pytest.mark.django_db
def test_the_admin_accepts_an_overlapping_round_of_the_other_kind(admin_client_, open_residents_round):
    today = timezone.localdate()
    form = _round_form(
        Survey.Kind.ORGANISATION_CAPACITY,
        today + datetime.timedelta(days=5),
        today + datetime.timedelta(days=60),
        "capacity-alongside",
    )
    response = admin_client_.post(reverse("admin:surveys_survey_add"), form)
    assert response.status_code == 302, response.content.decode()
    assert Survey.objects.filter(slug="capacity-alongside").exists()


@pytest.mark.django_db
def test_a_round_of_the_same_kind_after_the_open_one_closes_is_accepted(admin_client_, open_residents_round):
    closes = timezone.localdate(open_residents_round.closes_at)
    form = _round_form(
        Survey.Kind.RESIDENT_VIEWS,
        closes + datetime.timedelta(days=1),
        closes + datetime.timedelta(days=30),
        "next",
    )
    assert admin_client_.post(reverse("admin:surveys_survey_add"), form).status_code == 302


@pytest.mark.django_db
def test_the_services_overview_shows_the_chosen_residents_round(
    officer_client, borough, make_survey, make_resident_response
):
    now = timezone.now()
    last_year = make_survey(
        title="Residents 2025",
        slug="residents-2025",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=400),
        closes_at=now - datetime.timedelta(days=300),
    )
    make_survey(title="Residents 2026", slug="residents-2026", kind=Survey.Kind.RESIDENT_VIEWS)
    for view in ("willing", "willing", "willing", "uneasy"):
        make_resident_response({borough["parks"]: view}, survey=last_year)

    def parks_row(page):
        return page.split(">Parks</a>")[1].split("</tr>")[0]

    default = officer_client.get(reverse("services:list")).content.decode()
    assert "75%" not in parks_row(default)  # the latest round has no answers yet
    chosen = officer_client.get(reverse("services:list") + "?residents=residents-2025").content.decode()
    assert "75%" in parks_row(chosen) and "25%" in parks_row(chosen)
    assert '<option value="residents-2025" selected>Residents 2025</option>' in chosen
    # The service page opens on the same residents' round.
    assert "/services/parks/?survey=capacity-2026&amp;views_round=residents-2025" in chosen
    assert "Residents 2025" in chosen.split("How the readiness signal is worked out")[1]


@pytest.mark.django_db
def test_overlapping_rounds_of_one_kind_are_refused_by_clean_and_by_postgresql(make_survey):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, connection, transaction

    first = make_survey(kind=Survey.Kind.RESIDENT_VIEWS)
    second = Survey(
        title="Clash",
        slug="clash",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=first.closes_at - datetime.timedelta(days=1),
        closes_at=first.closes_at + datetime.timedelta(days=30),
    )
    with pytest.raises(ValidationError, match=first.title):
        second.full_clean()
    # Back to back is not an overlap: a round is open from its opening until (not at) its closing.
    second.opens_at = first.closes_at
    second.full_clean()
    if connection.vendor == "postgresql":
        second.opens_at = first.closes_at - datetime.timedelta(days=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            second.save()
    make_survey(kind=Survey.Kind.ORGANISATION_CAPACITY, opens_at=first.opens_at, closes_at=first.closes_at)
