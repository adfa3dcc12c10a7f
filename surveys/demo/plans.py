"""Planning the demo council's groups and residents: pure and seeded, no database."""

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify

from ..models import Assessment, Interest, ResidentResponse, ResidentServiceView
from . import data
from .shape import (
    ADMIN_USERNAME,
    CLOSED_ROUND,
    DEFAULT_SHAPE,
    LATEST_YEAR_FOUNDED,
    OFFICER_USERNAME,
    OLDER_ROUND_ANSWER_ODDS,
    OPEN_ROUND,
    ORGANISATIONS_PER_SCALE,
    SEED,
)


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


def organisation_plans(*, scale=1, shape=DEFAULT_SHAPE) -> list:
    """Plan every demo organisation; the first 250 are the same whatever the scale."""
    mix_rng = random.Random(f"{SEED}:mix")
    types = [kind for kind, (count, *_rest) in data.ORGANISATION_TYPE_MIX.items() for _ in range(count)]
    statuses = [status for status, count in data.STATUS_MIX.items() for _ in range(count)]
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
    _count, size_weights, earliest_year = data.ORGANISATION_TYPE_MIX[org_type]
    size = rng.choices(("small", "medium", "large"), weights=size_weights)[0]
    name = _unused_name(rng, org_type, names, shape)
    slug = _unused_slug(slugify(name)[:180], slugs)
    home_ward = rng.randrange(shape.wards)
    borough_wide = rng.random() < data.BOROUGH_WIDE_ODDS.get(org_type, 0)
    values = {
        "name": name,
        "slug": slug,
        "org_type": org_type,
        "description": f"{data.DESCRIPTIONS[org_type]} {rng.choice(data.ACTIVITIES)}",
        "borough_wide": borough_wide,
        "status": status,
        "postcode": _postcode(rng, 0 if borough_wide else home_ward),
        **_identifiers(rng, number, org_type),
        **_size_values(rng, org_type, size, earliest_year),
        **_contact_values(rng, slug, size),
    }
    if status == "rejected":
        values["status_reason"] = rng.choice(data.REJECTION_REASONS)
    elif status == "archived":
        values["status_reason"] = rng.choice(data.ARCHIVE_REASONS)
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
        name = rng.choice(data.NAME_PATTERNS[org_type]).format(
            place=rng.choice(shape.places),
            park=rng.choice(data.PARKS),
            heritage=rng.choice(data.HERITAGE),
            saint=rng.choice(data.SAINTS),
            estate=rng.choice(data.ESTATES),
            village=rng.choice(data.VILLAGES),
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
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.SURNAMES)
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
    letters = "".join(rng.choice(data.POSTCODE_LETTERS) for _ in range(2))
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
    low, high = data.INTERESTS_BY_SIZE[size]
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
            if assessable and rng.random() < data.ASSESSED_SHARE:
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
    affinity = data.CATEGORY_AFFINITY[org_type]
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
    deliver_odds, govern_odds = data.ROLE_ODDS[tier]
    delivers, co_governs = rng.random() < deliver_odds, rng.random() < govern_odds
    if not (delivers or co_governs):
        delivers, co_governs = tier != "high", tier == "high"
    ready_now, with_support, future = data.READINESS_WEIGHTS[tier]
    readiness = rng.choices(
        Interest.Readiness.values,
        weights=(ready_now * data.SIZE_READINESS_FACTOR[size], with_support, future),
    )[0]
    # Groups that only co-govern want a seat on the board; so do many that would do both.
    wants_seat = not delivers or (co_governs and rng.random() < (0.6 if tier == "high" else 0.3))
    if wants_seat:
        involvement = Interest.Involvement.GOVERNANCE_SEAT
    else:
        style = "volunteer_led" if org_type in data.VOLUNTEER_LED else "organised"
        involvement = rng.choices(
            (
                Interest.Involvement.VOLUNTEERS,
                Interest.Involvement.DELIVER_PART,
                Interest.Involvement.RUN_ARMS_LENGTH,
            ),
            weights=data.INVOLVEMENT_WEIGHTS[style][tier],
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
        "costs": rng.choice(data.COSTS) if rng.random() < 0.4 else "",
        "benefits": rng.choice(data.BENEFITS) if rng.random() < 0.6 else "",
        "concerns": rng.choice(data.CONCERNS[tier]) if rng.random() < concern_odds else "",
    }
    return InterestPlan(survey_slug=survey_slug, service_slug=service_slug, values=values)


def _support_needed(rng, tier, readiness):
    most = {"ready_now": 1, "with_support": 3, "future": 3}[readiness]
    least = 1 if readiness == "with_support" else 0
    weights = data.SUPPORT_WEIGHTS["high" if tier == "high" else "other"]
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
        "social_value": rng.choice(data.ASSESSMENT_SOCIAL_VALUE),
        "risks": data.ASSESSMENT_RISKS[tier],
        "risk_rating": risk_rating,
        "recommendation": rng.choices(Assessment.Recommendation.values, weights=weights)[0],
        "notes": rng.choice(data.ASSESSMENT_NOTES) if rng.random() < 0.5 else "",
    }


def resident_plan(number, shape):
    rng = random.Random(f"{SEED}:resident:{number}")
    ward_code = rng.choice(shape.ward_codes) if rng.random() < 0.93 else ""
    age_bands = ResidentResponse.AgeBand.values
    age_band = rng.choices(age_bands, weights=data.AGE_BAND_WEIGHTS)[0]
    fraction = rng.random()
    # Some residents are keener on change than others, whatever the service.
    outlook = rng.choices((-1, 0, 1), weights=(25, 50, 25))[0]
    views = []
    for _category, slug, tier in rng.sample(shape.open_services, rng.randint(10, 25)):
        willing, neutral, uneasy, dont_know = data.VIEW_WEIGHTS[tier]
        view = rng.choices(
            ResidentServiceView.View.values,
            weights=(max(1, willing + 10 * outlook), neutral, max(1, uneasy - 8 * outlook), dont_know),
        )[0]
        views.append((slug, {"view": view, **_channels(rng, tier, view)}))
    return ward_code, age_band, fraction, views


def _channels(rng, tier, view):
    scale = {"willing": 1.0, "neutral": 0.5, "uneasy": 0.1, "dont_know": 0.0}[view]
    volunteers, community_group, social_enterprise, mutual = data.CHANNEL_ODDS[tier]
    return {
        "accepts_volunteers": rng.random() < volunteers * scale,
        "accepts_community_group": rng.random() < community_group * scale,
        "accepts_social_enterprise": rng.random() < social_enterprise * scale,
        "accepts_mutual": rng.random() < mutual * scale,
    }
