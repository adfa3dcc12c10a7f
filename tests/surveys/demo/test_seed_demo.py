"""The seed_demo command: volumes, idempotence, realistic patterns, valid records, demo logins."""

import datetime
import random
import re
from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from organisations.models import Organisation, Ward
from services.models import ServiceArea, ServiceCategory
from surveys.demo.load import build_demo_council
from surveys.models import Assessment, Interest, ResidentResponse, ResidentServiceView, Survey
from surveys.officers.services import COUNCIL_OFFICERS

pytestmark = pytest.mark.django_db

# Hashing with the real hasher would add seconds without testing anything more.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGINS = re.compile(r"Demo logins: admin / (\S+), officer / (\S+)")
VOLUNTEER_FRIENDLY = ["Parks and open spaces", "Libraries", "Culture and heritage"]
COUNTED_MODELS = [
    Ward,
    ServiceCategory,
    ServiceArea,
    ServiceArea.history.model,
    Organisation,
    Organisation.history.model,
    Organisation.wards.through,
    Survey,
    Interest,
    Interest.history.model,
    Assessment,
    Assessment.history.model,
    ResidentResponse,
    ResidentServiceView,
    Group,
]


@dataclass
class SeedRuns:
    """What two runs of seed_demo printed, and the database after each."""

    first_output: str
    first: dict
    second_output: str
    second: dict


def _seed(**options):
    output = StringIO()
    call_command("seed_demo", stdout=output, **options)
    return output.getvalue()


def _snapshot():
    counts = {model._meta.label: model.objects.count() for model in COUNTED_MODELS}
    counts["users"] = get_user_model().objects.count()
    return {
        "counts": counts,
        "organisations": list(
            Organisation.objects.order_by("slug").values_list(
                "slug",
                "status",
                "org_type",
                "name",
                "charity_number",
                "company_number",
                "society_number",
                "consent_at",
                "last_confirmed_at",
                "reviewed_at",
                "updated_at",
            )
        ),
        "organisation wards": sorted(
            Organisation.wards.through.objects.values_list("organisation__slug", "ward__gss_code")
        ),
        "interests": list(
            Interest.objects.order_by("survey__slug", "organisation__slug", "service_area__slug").values_list(
                "survey__slug",
                "organisation__slug",
                "service_area__slug",
                "delivers",
                "co_governs",
                "involvement",
                "readiness",
                "support_needed",
                "updated_at",
            )
        ),
        "surveys": list(Survey.objects.order_by("slug").values_list("slug", "opens_at", "closes_at")),
        "views": sorted(
            ResidentServiceView.objects.values_list("response__submitted_at", "service_area__slug", "view")
        ),
        "passwords": dict(get_user_model().objects.values_list("username", "password")),
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed twice inside one transaction that is rolled back after this module's tests."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        first_output = _seed()
        first = _snapshot()
        second_output = _seed()
        yield SeedRuns(first_output, first, second_output, _snapshot())
        transaction.set_rollback(True)


def test_the_demo_council_has_the_volumes_asked_for(seeded):
    assert Ward.objects.count() >= 15
    codes = Ward.objects.values_list("gss_code", flat=True)
    assert all(re.fullmatch(r"E05\d{6}", code) for code in codes)
    assert ServiceCategory.objects.count() == 12
    assert ServiceArea.objects.count() == 60
    per_category = ServiceCategory.objects.annotate(n=Count("services"))
    assert set(per_category.values_list("n", flat=True)) == {5}
    assert 2 <= ServiceArea.objects.filter(open_to_interest=False).count() <= 4
    assert Organisation.objects.count() == 250
    types = set(Organisation.objects.values_list("org_type", flat=True))
    assert types == set(Organisation.OrgType.values)
    statuses = set(Organisation.objects.values_list("status", flat=True))
    assert statuses == set(Organisation.Status.values)
    assert Organisation.objects.approved().count() >= 150
    assert Interest.objects.count() >= 1500
    assert ResidentResponse.objects.count() >= 1000
    assert 60 <= Assessment.objects.count() <= 100


def test_there_is_one_closed_and_one_open_capacity_round_and_an_open_residents_round(seeded):
    now = timezone.now()
    capacity = Survey.objects.organisation_capacity()
    assert capacity.count() == 2
    assert capacity.filter(closes_at__lt=now).count() == 1
    assert capacity.open_at(now).count() == 1
    assert Survey.objects.resident_views().open_at(now).count() == 1
    assert set(Interest.objects.values_list("survey__kind", flat=True)) == {Survey.Kind.ORGANISATION_CAPACITY}
    assert Interest.objects.filter(survey__closes_at__lt=now).exists()
    assert Interest.objects.filter(survey__in=capacity.open_at(now)).exists()


def test_a_second_run_changes_nothing(seeded):
    assert seeded.second == seeded.first
    assert "Organisations: 0 created" in seeded.second_output
    assert "Interests: 0 created" in seeded.second_output
    assert "Resident responses: 0 created" in seeded.second_output


def test_every_organisation_and_interest_has_an_initial_history_record(seeded):
    counts = seeded.first["counts"]
    assert counts["organisations.HistoricalOrganisation"] == counts["organisations.Organisation"]
    assert counts["surveys.HistoricalInterest"] == counts["surveys.Interest"]
    assert counts["surveys.HistoricalAssessment"] == counts["surveys.Assessment"]


def test_friends_of_groups_cluster_on_parks_libraries_and_culture(seeded):
    friends = Interest.objects.filter(organisation__org_type=Organisation.OrgType.FRIENDS_OF)
    on_their_patch = friends.filter(service_area__category__name__in=VOLUNTEER_FRIENDLY).count()
    assert on_their_patch / friends.count() > 0.5


def _per_open_service(tier, interests):
    services = ServiceArea.objects.filter(risk_tier=tier, open_to_interest=True).count()
    return interests.filter(service_area__risk_tier=tier).count() / services


def test_few_groups_are_ready_to_deliver_hard_edged_services(seeded):
    ready_deliverers = Interest.objects.filter(delivers=True).ready_now()
    assert _per_open_service("high", ready_deliverers) < _per_open_service("low", ready_deliverers)


def test_co_governing_is_more_common_for_hard_edged_services(seeded):
    def co_governing_share(tier):
        interests = Interest.objects.filter(service_area__risk_tier=tier)
        return interests.filter(co_governs=True).count() / interests.count()

    assert co_governing_share("high") > co_governing_share("low")
    seats = Interest.objects.filter(involvement=Interest.Involvement.GOVERNANCE_SEAT)
    assert _per_open_service("high", seats) > _per_open_service("low", seats)


def test_residents_are_more_uneasy_about_hard_edged_services(seeded):
    def share(tier, view):
        views = ResidentServiceView.objects.filter(service_area__risk_tier=tier)
        return views.filter(view=view).count() / views.count()

    assert share("high", "uneasy") > share("low", "uneasy")
    assert share("low", "willing") > share("high", "willing")


def test_every_registered_organisation_and_a_sample_of_others_pass_validation(seeded):
    registered = Organisation.objects.exclude(charity_number="", company_number="", society_number="")
    others = list(Organisation.objects.exclude(pk__in=registered))
    for organisation in [*registered, *random.Random(1).sample(others, 50)]:
        organisation.full_clean(validate_unique=False)
    charities = Organisation.objects.filter(org_type=Organisation.OrgType.CHARITY)
    assert not charities.filter(charity_number="").exists()


def test_identifiers_give_the_right_org_id_for_each_type(seeded):
    prefixes = {
        Organisation.OrgType.CHARITY: ("GB-CHC-", "GB-SC-", "GB-NIC-"),
        Organisation.OrgType.SOCIAL_ENTERPRISE: ("GB-COH-",),
        Organisation.OrgType.MUTUAL: ("GB-COH-",),
        Organisation.OrgType.COOPERATIVE: ("GB-MPR-",),
        Organisation.OrgType.FRIENDS_OF: ("XI-CAPMAP-",),
    }
    for org_type, expected in prefixes.items():
        for organisation in Organisation.objects.filter(org_type=org_type):
            assert organisation.org_id.startswith(expected), organisation.org_id
    regulators = set(
        Organisation.objects.exclude(charity_regulator="").values_list("charity_regulator", flat=True)
    )
    assert "ccew" in regulators


def test_organisations_have_wards_contacts_and_moderation_details(seeded):
    borough_wide = Organisation.objects.filter(borough_wide=True).count()
    assert 0.1 < borough_wide / Organisation.objects.count() < 0.3
    local = Organisation.objects.filter(borough_wide=False).annotate(n=Count("wards"))
    assert set(local.values_list("n", flat=True)) <= {1, 2, 3, 4}
    assert not Organisation.objects.exclude(contact_email__endswith="@example.org").exists()
    assert not Organisation.objects.exclude(contact_phone__startswith="01632 960").exists()
    assert not Organisation.objects.filter(status="rejected", status_reason="").exists()
    decided = Organisation.objects.exclude(status=Organisation.Status.PENDING)
    assert not decided.filter(reviewed_at__isnull=True).exists()
    assert not Organisation.objects.pending().filter(reviewed_at__isnull=False).exists()
    a_year_ago = timezone.now() - datetime.timedelta(days=365)
    approved = Organisation.objects.approved()
    assert approved.filter(last_confirmed_at__lt=a_year_ago).exists()
    assert approved.filter(last_confirmed_at__isnull=True).exists()
    assert approved.filter(last_confirmed_at__gte=a_year_ago).exists()


def test_interests_keep_the_rules_of_the_form(seeded):
    assert not Interest.objects.filter(service_area__open_to_interest=False).exists()
    assert not Interest.objects.filter(delivers=False, co_governs=False).exists()
    statuses = set(Interest.objects.values_list("organisation__status", flat=True))
    assert Organisation.Status.PENDING in statuses
    for interest in random.Random(2).sample(list(Interest.objects.all()), 50):
        support = list(interest.support_needed)
        interest.full_clean(validate_unique=False)
        assert interest.support_needed == support, "support must be known values in choice order"
    assert Interest.objects.exclude(benefits="").exists()
    assert Interest.objects.filter(support_needed=[]).exists()


def test_assessments_are_by_the_officer_on_approved_groups_in_the_open_round(seeded):
    assessments = Assessment.objects.all()
    assert not assessments.exclude(author__username="officer").exists()
    assert not assessments.exclude(interest__organisation__status="approved").exists()
    assert set(assessments.values_list("interest__survey__slug", flat=True)) == {"capacity-2026"}
    assert not assessments.filter(Q(estimated_cost__lt=0) | Q(estimated_saving__lt=0)).exists()
    assert len(set(assessments.values_list("recommendation", flat=True))) >= 3


def test_resident_responses_have_views_of_ten_to_twenty_five_services(seeded):
    survey = Survey.objects.get(slug="residents-2026")
    responses = ResidentResponse.objects.filter(survey=survey).annotate(n=Count("views"))
    counts = set(responses.values_list("n", flat=True))
    assert min(counts) >= 10 and max(counts) <= 25
    assert not responses.filter(submitted_at__lt=survey.opens_at).exists()
    assert not responses.filter(submitted_at__gt=timezone.now()).exists()
    assert not ResidentServiceView.objects.filter(service_area__open_to_interest=False).exists()


def test_demo_users_are_created_once_with_printed_passwords(seeded):
    admin_password, officer_password = LOGINS.search(seeded.first_output).groups()
    admin = get_user_model().objects.get(username="admin")
    officer = get_user_model().objects.get(username="officer")
    assert admin.is_superuser and admin.is_staff
    assert officer.is_staff and not officer.is_superuser
    assert officer.groups.filter(name=COUNCIL_OFFICERS).exists()
    assert admin.check_password(admin_password)
    assert officer.check_password(officer_password)
    assert seeded.second["passwords"] == seeded.first["passwords"]
    assert "Demo logins" not in seeded.second_output
    assert admin_password not in seeded.second_output
    assert "--reset-passwords" in seeded.second_output


def test_reset_passwords_sets_and_prints_new_ones(seeded):
    output = _seed(reset_passwords=True)
    admin_password, officer_password = LOGINS.search(output).groups()
    assert get_user_model().objects.get(username="admin").check_password(admin_password)
    assert get_user_model().objects.get(username="officer").check_password(officer_password)
    assert admin_password not in seeded.first_output
    assert Organisation.objects.count() == 250


def test_a_bigger_scale_adds_groups_with_unique_slugs_and_keeps_the_first_ones(seeded):
    counts = build_demo_council(scale=2)
    assert counts["organisations"] == 500
    assert counts["resident responses"] == 2400
    assert counts["interests"] > 2 * 1500
    slugs = list(Organisation.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 500
    first_slugs = {row[0] for row in seeded.first["organisations"]}
    unchanged = [row for row in _snapshot()["organisations"] if row[0] in first_slugs]
    assert unchanged == seeded.first["organisations"]


def test_scale_must_be_at_least_one(seeded):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "0", stdout=StringIO())
