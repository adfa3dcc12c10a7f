"""Loading the demo council: deterministic, idempotent, and scalable for benchmarks."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from organisations.models import Organisation, Ward
from services.models import ServiceArea, ServiceCategory

from ..models import Assessment, Interest, ResidentResponse, ResidentServiceView, Survey
from ..officers.services import council_officers_group_ensure
from .plans import organisation_plans, resident_plan
from .shape import (
    ADMIN_USERNAME,
    OFFICER_USERNAME,
    RESIDENT_RESPONSES_PER_SCALE,
    RESIDENT_ROUND,
    WARD_CODE_YEAR,
    CouncilShape,
)

BATCH_SIZE = 1000
CHANGE_REASON = "Demo data"


@transaction.atomic
def build_demo_council(
    *,
    scale=1,
    stdout=None,
    reset_passwords=False,
    wards=None,
    services=None,
    capacity_rounds=None,
    residents=None,
) -> dict:
    """Create whatever is missing of the demo council at `scale`; return counts per model.

    `wards`, `services` and `capacity_rounds` grow the council itself (see CouncilShape) and
    `residents` sets how many residents answered (RESIDENT_RESPONSES_PER_SCALE × scale when None).
    Give the same options on every run against one database.
    """
    if scale < 1:
        raise ValueError("The scale must be 1 or more.")
    if residents is not None and residents < 0:
        raise ValueError("The number of residents cannot be negative.")
    shape = CouncilShape(
        **{
            name: value
            for name, value in (
                ("wards", wards),
                ("services", services),
                ("capacity_rounds", capacity_rounds),
            )
            if value is not None
        }
    )
    now = timezone.now()
    users, login_lines = demo_accounts_ensure(reset_passwords=reset_passwords)
    ward_ids = _wards_ensure(shape, stdout)
    service_ids = _services_ensure(shape, stdout)
    surveys = _surveys_ensure(shape, now, stdout)
    plans = organisation_plans(scale=scale, shape=shape)
    organisations = _organisations_ensure(plans, ward_ids, users, now, stdout)
    _interests_ensure(plans, organisations, service_ids, surveys, users, stdout)
    _resident_responses_ensure(
        surveys[RESIDENT_ROUND],
        RESIDENT_RESPONSES_PER_SCALE * scale if residents is None else residents,
        ward_ids,
        service_ids,
        shape,
        now,
        stdout,
    )
    for line in login_lines:
        _say(stdout, line)
    return demo_counts()


def demo_counts() -> dict:
    """How many rows each demo model holds."""
    return {
        "wards": Ward.objects.count(),
        "service categories": ServiceCategory.objects.count(),
        "service areas": ServiceArea.objects.count(),
        "organisations": Organisation.objects.count(),
        "organisation wards": Organisation.wards.through.objects.count(),
        "surveys": Survey.objects.count(),
        "interests": Interest.objects.count(),
        "assessments": Assessment.objects.count(),
        "resident responses": ResidentResponse.objects.count(),
        "resident service views": ResidentServiceView.objects.count(),
        "users": get_user_model().objects.count(),
    }


def demo_accounts_ensure(*, reset_passwords=False):
    """Create the demo admin and officer; new passwords only for new users or on request."""
    user_model = get_user_model()
    officers = council_officers_group_ensure()
    users, new_logins, existing = {}, [], []
    for username, superuser in ((ADMIN_USERNAME, True), (OFFICER_USERNAME, False)):
        user = user_model.objects.filter(username=username).first()
        if user is None or reset_passwords:
            password = secrets.token_urlsafe(12)
            if user is None:
                user = _demo_user_create(user_model, username, superuser, password)
                if not superuser:
                    user.groups.add(officers)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            new_logins.append(f"{username} / {password}")
        else:
            existing.append(username)
        users[username] = user
    lines = []
    if new_logins:
        lines.append("Demo logins: " + ", ".join(new_logins))
    if existing:
        lines.append(
            f"Demo users already exist ({', '.join(existing)}); their passwords are unchanged. "
            "Run with --reset-passwords to set new ones."
        )
    return users, lines


def _demo_user_create(user_model, username, superuser, password):
    email = f"{username}@example.org"
    if superuser:
        return user_model.objects.create_superuser(username=username, email=email, password=password)
    return user_model.objects.create_user(
        username=username,
        email=email,
        password=password,
        is_staff=True,
        first_name="Demo",
        last_name="Officer",
    )


def _wards_ensure(shape, stdout):
    codes = shape.ward_codes
    existing = set(Ward.objects.filter(gss_code__in=codes).values_list("gss_code", flat=True))
    missing = [
        Ward(name=name, gss_code=code, code_year=WARD_CODE_YEAR)
        for name, code in zip(shape.ward_names, codes, strict=True)
        if code not in existing
    ]
    Ward.objects.bulk_create(missing)
    _say(stdout, f"Wards: {len(missing)} created, {len(existing)} already there.")
    return dict(Ward.objects.filter(gss_code__in=codes).values_list("gss_code", "pk"))


def _services_ensure(shape, stdout):
    created = 0
    for position, (name, description, rows) in enumerate(shape.categories, start=1):
        category, _ = ServiceCategory.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "description": description, "position": position},
        )
        for row in rows:
            # Saved one by one so each service gets its first history record.
            _service, was_created = ServiceArea.objects.get_or_create(
                slug=slugify(row.name),
                defaults={"category": category, **row._asdict()},
            )
            created += was_created
    _say(stdout, f"Service areas: {created} created.")
    return dict(ServiceArea.objects.filter(slug__in=shape.service_slugs).values_list("slug", "pk"))


def _surveys_ensure(shape, now, stdout):
    surveys = {}
    for slug, title, kind, opens_in, closes_in, introduction in shape.surveys:
        # Dates are set on the first run only, so a later run never moves a round.
        surveys[slug], was_created = Survey.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "introduction": introduction,
                "opens_at": now + datetime.timedelta(days=opens_in),
                "closes_at": now + datetime.timedelta(days=closes_in),
            },
        )
        if was_created:
            _say(stdout, f"Survey round created: {title}.")
    return surveys


def _organisations_ensure(plans, wards, users, now, stdout):
    existing = dict(Organisation.objects.values_list("slug", "pk"))
    missing = [plan for plan in plans if plan.values["slug"] not in existing]
    created = bulk_create_with_history(
        [_organisation(plan, users, now) for plan in missing],
        Organisation,
        batch_size=BATCH_SIZE,
        default_change_reason=CHANGE_REASON,
    )
    links = [
        Organisation.wards.through(organisation_id=organisation.pk, ward_id=wards[code])
        for plan, organisation in zip(missing, created, strict=True)
        for code in plan.ward_codes
    ]
    Organisation.wards.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    already = len(plans) - len(created)
    _say(stdout, f"Organisations: {len(created)} created, {already} already there.")
    existing.update((organisation.slug, organisation.pk) for organisation in created)
    return existing


def _organisation(plan, users, now):
    def days_ago(days):
        return None if days is None else now - datetime.timedelta(days=days)

    return Organisation(
        **plan.values,
        consent_at=days_ago(plan.consent_days),
        last_confirmed_at=days_ago(plan.confirmed_days),
        reviewed_at=days_ago(plan.reviewed_days),
        reviewed_by=users[plan.reviewer] if plan.reviewer else None,
    )


def _interests_ensure(plans, organisations, services, surveys, users, stdout):
    survey_ids = {slug: survey.pk for slug, survey in surveys.items()}
    keyed = {}
    for plan in plans:
        organisation_id = organisations[plan.values["slug"]]
        for interest in plan.interests:
            survey_id = survey_ids[interest.survey_slug]
            keyed[survey_id, organisation_id, services[interest.service_slug]] = interest
    capacity_rounds = Interest.objects.filter(survey_id__in=survey_ids.values())
    existing = set(capacity_rounds.values_list("survey_id", "organisation_id", "service_area_id"))
    new_interests = [
        Interest(survey_id=key[0], organisation_id=key[1], service_area_id=key[2], **plan.values)
        for key, plan in keyed.items()
        if key not in existing
    ]
    bulk_create_with_history(
        new_interests, Interest, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
    )
    _say(stdout, f"Interests: {len(new_interests)} created, {len(existing)} already there.")

    interest_ids = {
        (survey_id, organisation_id, service_id): pk
        for pk, survey_id, organisation_id, service_id in capacity_rounds.values_list(
            "pk", "survey_id", "organisation_id", "service_area_id"
        )
    }
    assessed = set(Assessment.objects.values_list("interest_id", flat=True))
    new_assessments = [
        Assessment(interest_id=interest_ids[key], author=users[OFFICER_USERNAME], **plan.assessment)
        for key, plan in keyed.items()
        if plan.assessment and interest_ids[key] not in assessed
    ]
    bulk_create_with_history(
        new_assessments, Assessment, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
    )
    _say(stdout, f"Assessments: {len(new_assessments)} created.")


def _resident_responses_ensure(survey, target, wards, services, shape, now, stdout):
    # Responses are anonymous, so the only key is how many there are.
    existing = ResidentResponse.objects.filter(survey=survey).count()
    window_end = min(now, survey.closes_at)
    window = max(window_end - survey.opens_at, datetime.timedelta(0))
    for start in range(existing, target, BATCH_SIZE):
        numbers = range(start, min(start + BATCH_SIZE, target))
        planned = [resident_plan(number, shape) for number in numbers]
        responses = ResidentResponse.objects.bulk_create(
            [
                ResidentResponse(
                    survey=survey,
                    ward_id=wards[ward_code] if ward_code else None,
                    age_band=age_band,
                    submitted_at=survey.opens_at + window * fraction,
                )
                for ward_code, age_band, fraction, _views in planned
            ]
        )
        ResidentServiceView.objects.bulk_create(
            [
                ResidentServiceView(response_id=response.pk, service_area_id=services[slug], **view)
                for response, (*_answers, views) in zip(responses, planned, strict=True)
                for slug, view in views
            ],
            batch_size=BATCH_SIZE * 5,
        )
    created = max(target - existing, 0)
    _say(stdout, f"Resident responses: {created} created, {existing} already there.")


def _say(stdout, message):
    if stdout is not None:
        stdout.write(message + "\n")
