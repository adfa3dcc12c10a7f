"""A fictional council's demo data: deterministic, idempotent, and scalable for benchmarks."""

import datetime
import random
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import zip_longest

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from organisations.models import Organisation, Ward
from services.models import ServiceArea, ServiceCategory

from . import demo_data
from .models import Assessment, Interest, ResidentResponse, ResidentServiceView, Survey
from .services import council_officers_group_ensure

# Every random choice flows from this seed, so every run plans exactly the same council.
SEED = "ashwick-demo-1"
ORGANISATIONS_PER_SCALE = 250
RESIDENT_RESPONSES_PER_SCALE = 1200
BATCH_SIZE = 1000
WARD_CODE_YEAR = 2023
FIRST_WARD_CODE = 15001
# A fixed year rather than today's, so the plan does not change from one year to the next.
LATEST_YEAR_FOUNDED = 2025
CHANGE_REASON = "Demo data"

ADMIN_USERNAME = "admin"
OFFICER_USERNAME = "officer"

SURVEYS = [
    # slug, title, kind, opens and closes in days from the first run
    (
        "capacity-2025",
        "Community capacity 2025",
        Survey.Kind.ORGANISATION_CAPACITY,
        -395,
        -335,
        "Tell us which council services your group could help deliver or govern.",
    ),
    (
        "capacity-2026",
        "Community capacity 2026",
        Survey.Kind.ORGANISATION_CAPACITY,
        -30,
        90,
        "Tell us which council services your group could help deliver or govern this year.",
    ),
    (
        "residents-2026",
        "Residents' views 2026",
        Survey.Kind.RESIDENT_VIEWS,
        -30,
        75,
        "Tell us how you would feel about local groups running some council services.",
    ),
]
CLOSED_ROUND, OPEN_ROUND, RESIDENT_ROUND = (slug for slug, *_rest in SURVEYS)
# A bigger council has older capacity rounds too, a year apart; nearly every group then answered them.
OLDER_ROUND_ANSWER_ODDS = 0.9
BASE_SERVICE_COUNT = sum(len(rows) for _name, _description, rows in demo_data.SERVICE_CATEGORIES)
MAX_SERVICE_COUNT = BASE_SERVICE_COUNT + sum(len(rows) for rows in demo_data.EXTRA_SERVICES.values())
MAX_WARD_COUNT = len(demo_data.WARD_NAMES + demo_data.EXTRA_WARD_NAMES) * (
    1 + len(demo_data.EXTRA_WARD_SUFFIXES)
)


@dataclass(frozen=True)
class CouncilShape:
    """The council's size apart from its groups and residents; the defaults are Ashwick's.

    A bigger shape keeps Ashwick's wards, services and rounds and adds more after them, so the
    benchmark's county is the demo council grown by the same generator.
    """

    wards: int = len(demo_data.WARD_NAMES)
    services: int = BASE_SERVICE_COUNT
    capacity_rounds: int = len([row for row in SURVEYS if row[2] == Survey.Kind.ORGANISATION_CAPACITY])

    def __post_init__(self):
        if not 1 <= self.wards <= MAX_WARD_COUNT:
            raise ValueError(f"The number of wards must be from 1 to {MAX_WARD_COUNT}.")
        if not BASE_SERVICE_COUNT <= self.services <= MAX_SERVICE_COUNT:
            raise ValueError(
                f"The number of services must be from {BASE_SERVICE_COUNT} to {MAX_SERVICE_COUNT}."
            )
        if self.capacity_rounds < 2:
            raise ValueError("There must be at least two organisation-capacity rounds.")

    @cached_property
    def ward_names(self):
        """Ashwick's wards, then further ones, then each name again with a compass point."""
        plain = demo_data.WARD_NAMES + demo_data.EXTRA_WARD_NAMES
        pointed = [f"{name} {point}" for point in demo_data.EXTRA_WARD_SUFFIXES for name in plain]
        return (plain + pointed)[: self.wards]

    @cached_property
    def ward_codes(self):
        return [f"E05{FIRST_WARD_CODE + n:06d}" for n in range(self.wards)]

    @cached_property
    def places(self):
        """What groups are named after: Ashwick's places and any further wards."""
        return demo_data.PLACES + self.ward_names[len(demo_data.WARD_NAMES) :]

    @cached_property
    def categories(self):
        """(name, description, service rows) per category; extra services join one category at a time."""
        queues = [[(name, row) for row in rows] for name, rows in demo_data.EXTRA_SERVICES.items()]
        in_turn = [pair for turn in zip_longest(*queues) for pair in turn if pair is not None]
        extra = {name: [] for name in demo_data.EXTRA_SERVICES}
        for name, row in in_turn[: self.services - BASE_SERVICE_COUNT]:
            extra[name].append(row)
        return [
            (name, description, rows + extra[name])
            for name, description, rows in demo_data.SERVICE_CATEGORIES
        ]

    @cached_property
    def service_slugs(self):
        return [slugify(row.name) for _name, _description, rows in self.categories for row in rows]

    @cached_property
    def open_services(self):
        """(category name, slug, risk tier) of every service groups may offer to help with."""
        return [
            (category, slugify(row.name), row.risk_tier)
            for category, _description, rows in self.categories
            for row in rows
            if row.open_to_interest
        ]

    @cached_property
    def service_tiers(self):
        return {slug: tier for _category, slug, tier in self.open_services}

    @cached_property
    def open_services_per_category(self):
        return Counter(category for category, _slug, _tier in self.open_services)

    @cached_property
    def older_rounds(self):
        """(slug, title, kind, opens, closes, introduction) of rounds before the closed one."""
        _slug, _title, kind, opens_in, closes_in, introduction = next(
            row for row in SURVEYS if row[0] == CLOSED_ROUND
        )
        first_year = int(CLOSED_ROUND.rsplit("-", 1)[1])
        return [
            (
                f"capacity-{first_year - n}",
                f"Community capacity {first_year - n}",
                kind,
                opens_in - 365 * n,
                closes_in - 365 * n,
                introduction,
            )
            for n in range(1, self.capacity_rounds - 1)
        ]

    @cached_property
    def surveys(self):
        return SURVEYS + self.older_rounds


DEFAULT_SHAPE = CouncilShape()


@dataclass
class InterestPlan:
    """One interest a demo organisation will have registered, with any officer assessment."""

    survey_slug: str
    service_slug: str
    values: dict
    assessment: dict | None = None


@dataclass
class OrganisationPlan:
    """One demo organisation: its fields, wards, timings in days before the run, and interests."""

    values: dict
    ward_codes: list
    consent_days: float
    confirmed_days: float | None
    reviewed_days: float | None
    reviewer: str | None
    interests: list = field(default_factory=list)


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


def organisation_plans(*, scale=1, shape=DEFAULT_SHAPE) -> list:
    """Plan every demo organisation; the first 250 are the same whatever the scale."""
    mix_rng = random.Random(f"{SEED}:mix")
    types = [kind for kind, (count, *_rest) in demo_data.ORGANISATION_TYPE_MIX.items() for _ in range(count)]
    statuses = [status for status, count in demo_data.STATUS_MIX.items() for _ in range(count)]
    mix_rng.shuffle(types)
    mix_rng.shuffle(statuses)
    names, slugs, plans = set(), set(), []
    for number in range(ORGANISATIONS_PER_SCALE * scale):
        # One generator per organisation keeps each one stable as the scale grows.
        rng = random.Random(f"{SEED}:organisation:{number}")
        org_type = types[number % len(types)]
        status = statuses[number % len(statuses)]
        plans.append(_organisation_plan(rng, number, org_type, status, names, slugs, shape))
    return plans


def _organisation_plan(rng, number, org_type, status, names, slugs, shape):
    _count, size_weights, earliest_year = demo_data.ORGANISATION_TYPE_MIX[org_type]
    size = rng.choices(("small", "medium", "large"), weights=size_weights)[0]
    name = _unused_name(rng, org_type, names, shape)
    slug = _unused_slug(slugify(name)[:180], slugs)
    home_ward = rng.randrange(shape.wards)
    borough_wide = rng.random() < demo_data.BOROUGH_WIDE_ODDS.get(org_type, 0)
    values = {
        "name": name,
        "slug": slug,
        "org_type": org_type,
        "description": f"{demo_data.DESCRIPTIONS[org_type]} {rng.choice(demo_data.ACTIVITIES)}",
        "borough_wide": borough_wide,
        "status": status,
        "postcode": _postcode(rng, 0 if borough_wide else home_ward),
        **_identifiers(rng, number, org_type),
        **_size_values(rng, org_type, size, earliest_year),
        **_contact_values(rng, slug, size),
    }
    if status == "rejected":
        values["status_reason"] = rng.choice(demo_data.REJECTION_REASONS)
    elif status == "archived":
        values["status_reason"] = rng.choice(demo_data.ARCHIVE_REASONS)
    timings = _timings(rng, status)
    reviewer = rng.choices((OFFICER_USERNAME, ADMIN_USERNAME), weights=(7, 3))[0]
    return OrganisationPlan(
        values=values,
        ward_codes=[] if borough_wide else _ward_codes(rng, org_type, home_ward, shape),
        reviewer=reviewer if timings["reviewed_days"] is not None else None,
        interests=_interest_plans(rng, number, org_type, size, status, values["volunteers"], shape),
        **timings,
    )


def _unused_name(rng, org_type, names, shape):
    # Big scales run out of fresh names; a repeated name then gets a numbered slug.
    for _attempt in range(8):
        name = rng.choice(demo_data.NAME_PATTERNS[org_type]).format(
            place=rng.choice(shape.places),
            park=rng.choice(demo_data.PARKS),
            heritage=rng.choice(demo_data.HERITAGE),
            saint=rng.choice(demo_data.SAINTS),
            estate=rng.choice(demo_data.ESTATES),
            village=rng.choice(demo_data.VILLAGES),
        )
        if name not in names:
            break
    names.add(name)
    return name


def _unused_slug(base, slugs):
    slug, suffix = base, 1
    while slug in slugs:
        suffix += 1
        slug = f"{base}-{suffix}"
    slugs.add(slug)
    return slug


def _identifiers(rng, number, org_type):
    # Multiplying by a prime spreads the numbers out while keeping them unique per group.
    spread = number * 7919
    company_number = f"{7_000_000 + (spread + 991) % 8_999_000:08d}"
    if org_type == "charity":
        regulator = rng.choices(("ccew", "oscr", "ccni"), weights=(85, 8, 7))[0]
        if regulator == "oscr":
            charity_number = f"SC0{(spread + 1234) % 100_000:05d}"
        elif regulator == "ccni":
            charity_number = str(100_000 + (spread + 77) % 7_000)
        elif rng.random() < 0.8:
            charity_number = str(1_000_000 + (spread + 3571) % 199_000)
        else:
            # Charities registered before the mid-1990s kept their six-digit numbers.
            charity_number = str(200_000 + (spread + 17) % 799_000)
        return {
            "charity_number": charity_number,
            "charity_regulator": regulator,
            # Many charities are also companies limited by guarantee.
            "company_number": company_number if rng.random() < 0.3 else "",
        }
    if org_type in ("social_enterprise", "mutual"):
        return {"company_number": company_number}
    if org_type == "cooperative":
        return {"society_number": f"{30_000 + (spread + 13) % 9_000}R"}
    return {}


def _size_values(rng, org_type, size, earliest_year):
    volunteers = {"small": (3, 25), "medium": (15, 80), "large": (40, 400)}[size]
    staff = {"small": (0, 0), "medium": (0, 8), "large": (5, 120)}[size]
    if org_type == "parish_council":
        staff = (1, 4)
    income = {
        "small": ("under_10k", "10k_100k"),
        "medium": ("10k_100k", "100k_1m"),
        "large": ("100k_1m", "over_1m"),
    }[size]
    safeguarding, insured = {"small": (0.35, 0.55), "medium": (0.8, 0.9), "large": (0.97, 0.98)}[size]
    # Newer groups are more common than old ones.
    year = LATEST_YEAR_FOUNDED - int((LATEST_YEAR_FOUNDED - earliest_year) * rng.random() ** 1.6)
    return {
        "volunteers": rng.randint(*volunteers),
        "paid_staff": rng.randint(*staff),
        "income_band": rng.choices(income, weights=(6, 4))[0],
        "year_founded": year,
        "safeguarding_policy": rng.random() < safeguarding,
        "public_liability_insurance": rng.random() < insured,
    }


def _contact_values(rng, slug, size):
    domain = f"{slug[:40].strip('-')}.example.org"
    has_website = rng.random() < {"small": 0.35, "medium": 0.7, "large": 0.9}[size]
    first, last = rng.choice(demo_data.FIRST_NAMES), rng.choice(demo_data.SURNAMES)
    mailbox = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
    return {
        "website": f"https://www.{domain}" if has_website else "",
        "public_email": f"hello@{domain}" if has_website and rng.random() < 0.6 else "",
        # 01632 960000 to 960999 is Ofcom's range reserved for drama and examples.
        "public_phone": f"01632 960{rng.randrange(1000):03d}" if rng.random() < 0.5 else "",
        "contact_name": f"{first} {last}",
        "contact_email": f"{mailbox}@example.org",
        "contact_phone": f"01632 960{rng.randrange(1000):03d}",
    }


def _postcode(rng, ward_index):
    # AW is not a real postcode area, so these can never point at a real address.
    district = ward_index // 2 + 1
    letters = "".join(rng.choice(demo_data.POSTCODE_LETTERS) for _ in range(2))
    return f"AW{district} {rng.randint(1, 9)}{letters}"


def _ward_codes(rng, org_type, home_ward, shape):
    count = 1 if org_type == "parish_council" else rng.choices((1, 2, 3, 4), (40, 30, 20, 10))[0]
    # Neighbouring wards are next to each other in the list, as a group's patch usually is.
    offsets = [0, 1, -1, 2, -2][:count]
    return sorted({shape.ward_codes[(home_ward + offset) % shape.wards] for offset in offsets})


def _timings(rng, status):
    if status == "pending":
        return {"consent_days": rng.uniform(1, 60), "confirmed_days": None, "reviewed_days": None}
    if status == "archived":
        reviewed = rng.uniform(30, 400)
        consent = rng.uniform(700, 2000)
        confirmed = rng.uniform(reviewed + 30, consent) if rng.random() < 0.5 else None
        return {"consent_days": consent, "confirmed_days": confirmed, "reviewed_days": reviewed}
    consent = rng.uniform(90, 1500) if status == "approved" else rng.uniform(20, 700)
    reviewed = max(1.0, consent - rng.uniform(2, 21))
    confirmed = None
    if status == "approved" and rng.random() > 0.12:
        # About three in ten approved groups have not confirmed their details for a year.
        confirmed = rng.uniform(380, 900) if rng.random() < 0.3 else rng.uniform(3, 330)
        confirmed = min(confirmed, reviewed)
    return {"consent_days": consent, "confirmed_days": confirmed, "reviewed_days": reviewed}


def _interest_plans(rng, number, org_type, size, status, volunteers, shape):
    low, high = demo_data.INTERESTS_BY_SIZE[size]
    chosen = _services_for(rng, org_type, size, high + 3, shape)
    rounds = []
    if status != "archived":
        rounds.append((OPEN_ROUND, chosen[: rng.randint(low, high)]))
    # Newly registered groups missed last year's round; closed groups only answered that one.
    if status == "archived" or (status != "pending" and rng.random() < 0.75):
        count = min(len(chosen), rng.randint(low, high))
        rounds.append((CLOSED_ROUND, rng.sample(chosen, count)))
    plans = []
    for survey_slug, service_slugs in rounds:
        for service_slug in service_slugs:
            plan = _interest_plan(rng, org_type, size, volunteers, survey_slug, service_slug, shape)
            assessable = survey_slug == OPEN_ROUND and status == "approved"
            if assessable and rng.random() < demo_data.ASSESSED_SHARE:
                plan.assessment = _assessment_values(rng, plan, shape)
            plans.append(plan)
    for survey_slug, *_rest in shape.older_rounds:
        # A generator of its own per older round, so Ashwick's two rounds plan the same answers.
        older_rng = random.Random(f"{SEED}:organisation:{number}:{survey_slug}")
        if status == "pending" or older_rng.random() >= OLDER_ROUND_ANSWER_ODDS:
            continue
        count = min(len(chosen), older_rng.randint(low, high))
        for service_slug in older_rng.sample(chosen, count):
            plans.append(
                _interest_plan(older_rng, org_type, size, volunteers, survey_slug, service_slug, shape)
            )
    return plans


def _services_for(rng, org_type, size, count, shape):
    affinity = demo_data.CATEGORY_AFFINITY[org_type]
    pool = [
        (
            slug,
            affinity.get(category, 0)
            / shape.open_services_per_category[category]
            * (0.5 if tier == "high" and size == "small" else 1.0),
        )
        for category, slug, tier in shape.open_services
    ]
    pool = [(slug, weight) for slug, weight in pool if weight > 0]
    chosen = []
    while pool and len(chosen) < count:
        index = rng.choices(range(len(pool)), weights=[weight for _slug, weight in pool])[0]
        chosen.append(pool.pop(index)[0])
    return chosen


def _interest_plan(rng, org_type, size, volunteers, survey_slug, service_slug, shape):
    tier = shape.service_tiers[service_slug]
    deliver_odds, govern_odds = demo_data.ROLE_ODDS[tier]
    delivers, co_governs = rng.random() < deliver_odds, rng.random() < govern_odds
    if not (delivers or co_governs):
        delivers, co_governs = tier != "high", tier == "high"
    ready_now, with_support, future = demo_data.READINESS_WEIGHTS[tier]
    readiness = rng.choices(
        Interest.Readiness.values,
        weights=(ready_now * demo_data.SIZE_READINESS_FACTOR[size], with_support, future),
    )[0]
    # Groups that only co-govern want a seat on the board; so do many that would do both.
    wants_seat = not delivers or (co_governs and rng.random() < (0.6 if tier == "high" else 0.3))
    if wants_seat:
        involvement = Interest.Involvement.GOVERNANCE_SEAT
    else:
        style = "volunteer_led" if org_type in demo_data.VOLUNTEER_LED else "organised"
        involvement = rng.choices(
            (
                Interest.Involvement.VOLUNTEERS,
                Interest.Involvement.DELIVER_PART,
                Interest.Involvement.RUN_ARMS_LENGTH,
            ),
            weights=demo_data.INVOLVEMENT_WEIGHTS[style][tier],
        )[0]
    volunteers_offered = rng.randint(1, max(2, min(volunteers, 40)))
    concern_odds = 0.6 if tier == "high" else 0.3
    values = {
        "delivers": delivers,
        "co_governs": co_governs,
        "involvement": involvement,
        "readiness": readiness,
        "volunteers_offered": volunteers_offered,
        "hours_per_week": volunteers_offered * rng.randint(1, 4),
        "support_needed": _support_needed(rng, tier, readiness),
        "costs": rng.choice(demo_data.COSTS) if rng.random() < 0.4 else "",
        "benefits": rng.choice(demo_data.BENEFITS) if rng.random() < 0.6 else "",
        "concerns": rng.choice(demo_data.CONCERNS[tier]) if rng.random() < concern_odds else "",
    }
    return InterestPlan(survey_slug=survey_slug, service_slug=service_slug, values=values)


def _support_needed(rng, tier, readiness):
    most = {"ready_now": 1, "with_support": 3, "future": 3}[readiness]
    least = 1 if readiness == "with_support" else 0
    weights = demo_data.SUPPORT_WEIGHTS["high" if tier == "high" else "other"]
    options = list(weights)
    wanted = set()
    for _ in range(rng.randint(least, most)):
        choice = rng.choices(options, weights=[weights[option] for option in options])[0]
        wanted.add(choice)
    return [value for value in Interest.Support.values if value in wanted]


def _assessment_values(rng, plan, shape):
    tier = shape.service_tiers[plan.service_slug]
    interest = plan.values
    risk_rating = rng.choices(
        ("low", "medium", "high"),
        weights={"high": (0, 2, 8), "medium": (25, 60, 15), "low": (70, 30, 0)}[tier],
    )[0]
    if tier == "high":
        governance_only = interest["co_governs"] and not interest["delivers"]
        weights = (6, 0, 4, 0) if governance_only else (1, 0, 4, 5)
    else:
        weights = {"ready_now": (4, 5, 1, 0), "with_support": (6, 2, 2, 0), "future": (3, 0, 6, 1)}[
            interest["readiness"]
        ]
    cost = rng.randrange(
        *{"high": (20_000, 150_000), "medium": (5_000, 60_000), "low": (500, 20_000)}[tier], 50
    )
    saving = cost * rng.uniform(0, 1.2 if tier == "high" else 3)
    return {
        "estimated_cost": Decimal(cost).quantize(Decimal("0.01")),
        "estimated_saving": Decimal(round(saving, -1)).quantize(Decimal("0.01")),
        "social_value": rng.choice(demo_data.ASSESSMENT_SOCIAL_VALUE),
        "risks": demo_data.ASSESSMENT_RISKS[tier],
        "risk_rating": risk_rating,
        "recommendation": rng.choices(Assessment.Recommendation.values, weights=weights)[0],
        "notes": rng.choice(demo_data.ASSESSMENT_NOTES) if rng.random() < 0.5 else "",
    }


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
        planned = [_resident_plan(number, shape) for number in numbers]
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


def _resident_plan(number, shape):
    rng = random.Random(f"{SEED}:resident:{number}")
    ward_code = rng.choice(shape.ward_codes) if rng.random() < 0.93 else ""
    age_bands = ResidentResponse.AgeBand.values
    age_band = rng.choices(age_bands, weights=demo_data.AGE_BAND_WEIGHTS)[0]
    fraction = rng.random()
    # Some residents are keener on change than others, whatever the service.
    outlook = rng.choices((-1, 0, 1), weights=(25, 50, 25))[0]
    views = []
    for _category, slug, tier in rng.sample(shape.open_services, rng.randint(10, 25)):
        willing, neutral, uneasy, dont_know = demo_data.VIEW_WEIGHTS[tier]
        view = rng.choices(
            ResidentServiceView.View.values,
            weights=(max(1, willing + 10 * outlook), neutral, max(1, uneasy - 8 * outlook), dont_know),
        )[0]
        views.append((slug, {"view": view, **_channels(rng, tier, view)}))
    return ward_code, age_band, fraction, views


def _channels(rng, tier, view):
    scale = {"willing": 1.0, "neutral": 0.5, "uneasy": 0.1, "dont_know": 0.0}[view]
    volunteers, community_group, social_enterprise, mutual = demo_data.CHANNEL_ODDS[tier]
    return {
        "accepts_volunteers": rng.random() < volunteers * scale,
        "accepts_community_group": rng.random() < community_group * scale,
        "accepts_social_enterprise": rng.random() < social_enterprise * scale,
        "accepts_mutual": rng.random() < mutual * scale,
    }


def _say(stdout, message):
    if stdout is not None:
        stdout.write(message + "\n")
