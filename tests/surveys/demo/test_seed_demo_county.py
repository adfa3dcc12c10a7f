"""seed_demo grown into a county for the benchmark: the same generator, more wards, services, rounds."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from organisations.models import Ward
from services.models import ServiceArea, ServiceCategory
from surveys.demo.shape import DEFAULT_SHAPE
from surveys.models import Interest, ResidentResponse, Survey

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """A small 'county' (one scale, more wards, services and rounds), rolled back afterwards."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        output = StringIO()
        call_command(
            "seed_demo",
            "--wards",
            "45",
            "--services",
            "80",
            "--rounds",
            "4",
            "--residents",
            "60",
            stdout=output,
        )
        yield output.getvalue()
        transaction.set_rollback(True)


def test_the_county_has_the_wards_services_rounds_and_residents_asked_for(county):
    assert Ward.objects.count() == 45
    assert ServiceCategory.objects.count() == 12
    assert ServiceArea.objects.count() == 80
    assert Survey.objects.organisation_capacity().count() == 4
    assert ResidentResponse.objects.count() == 60
    codes = list(Ward.objects.order_by("gss_code").values_list("gss_code", flat=True))
    assert codes[0] == "E05015001" and codes[-1] == "E05015045"
    names = list(Ward.objects.values_list("name", flat=True))
    assert len(set(names)) == 45 and "Abbey North" in names


def test_extra_services_join_every_category_in_turn_with_unique_slugs_and_codes(county):
    per_category = Counter(ServiceCategory.objects.annotate(n=Count("services")).values_list("n", flat=True))
    # 20 extra services over 12 categories: 8 categories get two more, 4 get one more.
    assert per_category == {7: 8, 6: 4}
    slugs = list(ServiceArea.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    codes = [code for code in ServiceArea.objects.values_list("lgsl_code", flat=True) if code is not None]
    assert len(codes) == len(set(codes)) == 6
    assert ServiceArea.objects.filter(slug="short-breaks-for-disabled-children", risk_tier="high").exists()


def test_older_rounds_come_before_the_closed_one_and_have_answers(county):
    rounds = list(Survey.objects.organisation_capacity().order_by("opens_at"))
    assert [r.slug for r in rounds] == ["capacity-2023", "capacity-2024", "capacity-2025", "capacity-2026"]
    assert all(earlier.closes_at < later.opens_at for earlier, later in zip(rounds, rounds[1:], strict=False))
    for survey in rounds:
        assert Interest.objects.filter(survey=survey).count() > 300
    assert not Interest.objects.filter(survey__slug="capacity-2024", organisation__status="pending").exists()
    assert not Interest.objects.filter(service_area__open_to_interest=False).exists()
    assert set(Interest.objects.values_list("survey__kind", flat=True)) == {Survey.Kind.ORGANISATION_CAPACITY}


def test_groups_work_in_the_new_wards_and_residents_answer_about_new_services(county):
    from organisations.models import Organisation

    new_wards = Ward.objects.filter(gss_code__gt="E05015018")
    assert Organisation.objects.filter(wards__in=new_wards).exists()
    assert ResidentResponse.objects.filter(ward__in=new_wards).exists()
    new_services = ServiceArea.objects.exclude(slug__in=DEFAULT_SHAPE.service_slugs)
    assert Interest.objects.filter(service_area__in=new_services).exists()
    assert ResidentResponse.objects.filter(views__service_area__in=new_services).exists()


def test_running_it_again_with_the_same_options_adds_nothing(county):
    output = StringIO()
    call_command(
        "seed_demo", "--wards", "45", "--services", "80", "--rounds", "4", "--residents", "60", stdout=output
    )
    assert "Organisations: 0 created" in output.getvalue()
    assert "Interests: 0 created" in output.getvalue()
    assert "Resident responses: 0 created, 60 already there" in output.getvalue()


@pytest.mark.parametrize(
    ("option", "value"),
    [("--wards", "0"), ("--services", "59"), ("--services", "157"), ("--rounds", "1"), ("--residents", "-1")],
)
def test_impossible_shapes_are_refused(option, value):
    with pytest.raises(CommandError):
        call_command("seed_demo", option, value, stdout=StringIO())
