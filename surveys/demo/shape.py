"""The demo council's shape: its size apart from its groups and residents."""

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import zip_longest

from django.utils.text import slugify

from ..models import Survey
from . import data

# Every random choice flows from this seed, so every run plans exactly the same council.
SEED = "ashwick-demo-1"
ORGANISATIONS_PER_SCALE = 250
RESIDENT_RESPONSES_PER_SCALE = 1200
WARD_CODE_YEAR = 2023
FIRST_WARD_CODE = 15001
# A fixed year rather than today's, so the plan does not change from one year to the next.
LATEST_YEAR_FOUNDED = 2025

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


BASE_SERVICE_COUNT = sum(len(rows) for _name, _description, rows in data.SERVICE_CATEGORIES)


MAX_SERVICE_COUNT = BASE_SERVICE_COUNT + sum(len(rows) for rows in data.EXTRA_SERVICES.values())


MAX_WARD_COUNT = len(data.WARD_NAMES + data.EXTRA_WARD_NAMES) * (1 + len(data.EXTRA_WARD_SUFFIXES))


@dataclass(frozen=True)
class CouncilShape:
    """The council's size apart from its groups and residents; the defaults are Ashwick's.

    A bigger shape keeps Ashwick's wards, services and rounds and adds more after them, so the
    benchmark's county is the demo council grown by the same generator.
    """

    wards: int = len(data.WARD_NAMES)
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
        plain = data.WARD_NAMES + data.EXTRA_WARD_NAMES
        pointed = [f"{name} {point}" for point in data.EXTRA_WARD_SUFFIXES for name in plain]
        return (plain + pointed)[: self.wards]

    @cached_property
    def ward_codes(self):
        return [f"E05{FIRST_WARD_CODE + n:06d}" for n in range(self.wards)]

    @cached_property
    def places(self):
        """What groups are named after: Ashwick's places and any further wards."""
        return data.PLACES + self.ward_names[len(data.WARD_NAMES) :]

    @cached_property
    def categories(self):
        """(name, description, service rows) per category; extra services join one category at a time."""
        queues = [[(name, row) for row in rows] for name, rows in data.EXTRA_SERVICES.items()]
        in_turn = [pair for turn in zip_longest(*queues) for pair in turn if pair is not None]
        extra = {name: [] for name in data.EXTRA_SERVICES}
        for name, row in in_turn[: self.services - BASE_SERVICE_COUNT]:
            extra[name].append(row)
        return [
            (name, description, rows + extra[name]) for name, description, rows in data.SERVICE_CATEGORIES
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
