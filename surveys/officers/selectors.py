"""Reads for the officers' pages: the services overview and its readiness signal, one
service's capacity, an organisation's profile and the dashboard.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count

from organisations.models import Organisation, Ward
from services.models import ServiceArea, ServiceCategory
from services.querysets import display_order

from ..matrix.selectors import READINESS_ORDER, MatrixColumn, MatrixFilters, capacity_matrix
from ..models import Interest, Survey
from ..residents.selectors import ServiceResidentViews, resident_views


class ReadinessRule(NamedTuple):
    """One readiness signal and, in the page's words, when it applies."""

    signal: str
    applies_when: str


KEEP_COUNCIL_LED = ReadinessRule(
    "Keep council-led, explore co-governance",
    "the service is high risk (statutory care or safeguarding), whatever the capacity or residents’ views",
)
NOT_OPEN = ReadinessRule(
    "Not open to community interest", "the council has not opened the service to expressions of interest"
)
CONTESTED = ReadinessRule(
    "Contested", "some residents are uneasy and at least as many are uneasy as willing, whatever the capacity"
)
STRONG_CANDIDATE = ReadinessRule(
    "Strong candidate",
    "at least two groups are ready now to deliver and more residents are willing than uneasy",
)
POSSIBLE_CANDIDATE = ReadinessRule(
    "Possible candidate",
    "at least one group is ready now to deliver (but only one, or residents are not more willing than "
    "uneasy)",
)
POSSIBLE_WITH_SUPPORT = ReadinessRule(
    "Possible with support", "no group is ready now, but at least one would be ready with support"
)
NO_CAPACITY_YET = ReadinessRule("No capacity yet", "no group is ready now or ready with support to deliver")
# The rules in the order readiness_signal tries them, as the services overview states them.
READINESS_SIGNAL_RULE = [
    KEEP_COUNCIL_LED,
    NOT_OPEN,
    CONTESTED,
    STRONG_CANDIDATE,
    POSSIBLE_CANDIDATE,
    POSSIBLE_WITH_SUPPORT,
    NO_CAPACITY_YET,
]


def readiness_signal(service, column, residents=None) -> str:
    """The plain-language signal for one service, by the first rule in READINESS_SIGNAL_RULE that applies.

    `column` holds the groups' capacity (a MatrixColumn), `residents` the residents' views
    (a ServiceResidentViews); either may be None when there is none.
    """
    if service.risk_tier == ServiceArea.RiskTier.HIGH:
        return KEEP_COUNCIL_LED.signal
    if column is None or not service.open_to_interest:
        return NOT_OPEN.signal
    if residents is not None and residents.is_contested:
        return CONTESTED.signal
    if column.ready_deliverers >= 2 and residents is not None and residents.willing > residents.uneasy:
        return STRONG_CANDIDATE.signal
    if column.ready_deliverers >= 1:
        return POSSIBLE_CANDIDATE.signal
    if column.ready_with_support:
        return POSSIBLE_WITH_SUPPORT.signal
    return NO_CAPACITY_YET.signal


@dataclass
class ServiceSummary:
    service: ServiceArea
    column: MatrixColumn | None
    signal: str
    residents: ServiceResidentViews | None = None


def services_overview(*, survey, residents_survey=None):
    """One row per service: tier, ready groups, support, residents' views, and the signal."""
    matrix = capacity_matrix(filters=MatrixFilters(), survey=survey, limit=0)
    columns = {column.service.pk: column for column in matrix.columns}
    views = resident_views(survey=residents_survey)
    services = ServiceArea.objects.in_display_order()
    summaries = []
    for service in services:
        column, residents = columns.get(service.pk), views.for_service(service)
        summaries.append(
            ServiceSummary(
                service=service,
                column=column,
                signal=readiness_signal(service, column, residents),
                residents=residents,
            )
        )
    return summaries


@dataclass
class ServiceCapacity:
    """Who could deliver or co-govern one service in one round, and the officers' view."""

    interests: list[Interest]
    involvement_counts: list[tuple[str, int]]  # in the order of Interest.Involvement
    assessed: list[Interest]
    total_cost: Decimal | int
    total_saving: Decimal | int
    # Withdrawn by the group, kept with any assessment.
    withdrawn: list[Interest] = field(default_factory=list)


def service_capacity(*, service, survey):
    """The approved groups' interests in a service, the governance models, assessment totals."""
    if survey is None:
        return ServiceCapacity(interests=[], involvement_counts=[], assessed=[], total_cost=0, total_saving=0)
    offered = list(
        Interest.objects.of_approved_organisations()
        .filter(survey=survey, service_area=service)
        .select_related("organisation", "assessment", "assessment__author")
        .order_by("readiness", "organisation__name")
    )
    interests = [i for i in offered if i.withdrawn_at is None]
    withdrawn = sorted(
        (i for i in offered if i.withdrawn_at is not None), key=lambda i: i.organisation.name.lower()
    )
    interests.sort(key=lambda i: (READINESS_ORDER.index(i.readiness), i.organisation.name.lower()))
    counts = defaultdict(int)
    for interest in interests:
        counts[interest.involvement] += 1
    assessed = [i for i in interests if hasattr(i, "assessment")]
    return ServiceCapacity(
        interests=interests,
        involvement_counts=[(label, counts[value]) for value, label in Interest.Involvement.choices],
        assessed=assessed,
        total_cost=sum((i.assessment.estimated_cost or 0) for i in assessed),
        total_saving=sum((i.assessment.estimated_saving or 0) for i in assessed),
        withdrawn=withdrawn,
    )


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str
    reason: str
    changes: list[tuple[str, object, object]]  # (field label, old, new)


@dataclass
class OrganisationProfile:
    wards: list[Ward]
    rounds: list[tuple[Survey, list[Interest]]]  # newest round first
    history: list[HistoryEntry]


HISTORY_HIDDEN_FIELDS = {"id", "slug"}


def _history_entries(organisation, limit=50):
    records = list(
        organisation.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    labels = {f.name: str(f.verbose_name).capitalize() for f in Organisation._meta.fields}
    kinds = {"+": "Created", "~": "Changed", "-": "Deleted"}
    entries = []
    for record, previous in zip(records, records[1:] + [None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            changes = [
                (labels.get(c.field, c.field), c.old, c.new)
                for c in delta.changes
                if c.field not in HISTORY_HIDDEN_FIELDS
            ]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else "the group or the system",
                kind=kinds.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def organisation_profile(organisation):
    """An organisation's wards, its interests grouped by round (newest first), and its history."""
    interests = (
        Interest.objects.filter(organisation=organisation)
        .select_related("survey", "service_area__category", "assessment__author")
        .order_by("-survey__opens_at", *display_order("service_area__"))
    )
    rounds = []
    for interest in interests:
        if not rounds or rounds[-1][0] != interest.survey:
            rounds.append((interest.survey, []))
        rounds[-1][1].append(interest)
    return OrganisationProfile(
        wards=list(organisation.wards.order_by("name")),
        rounds=rounds,
        history=_history_entries(organisation),
    )


@dataclass
class Dashboard:
    survey: Survey | None
    approved: int
    pending: int
    interests: int
    gaps: int
    columns: int
    categories: list[ServiceCategory]
    wards: list[Ward]
    coverage: list[tuple[Ward, list[int]]]  # one count per category
    coverage_max: int
    awaiting_review: list[Organisation]
    stale: list[Organisation]
    stale_count: int


def dashboard(*, survey, stale_before, listed=10):
    """Headline counts, coverage by category × ward, the review queue and stale records."""
    matrix = capacity_matrix(filters=MatrixFilters(), survey=survey, limit=0)
    categories = list(ServiceCategory.objects.order_by("position", "name"))
    wards = list(Ward.objects.order_by("name"))
    status_counts = dict(
        Organisation.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    # Which categories each approved organisation offers something in, this round.
    offers = defaultdict(set)
    interest_count = 0
    if survey is not None:
        pairs = (
            Interest.objects.current()
            .of_approved_organisations()
            .filter(survey=survey)
            .values_list("organisation_id", "service_area__category_id")
            .annotate(n=Count("pk"))
        )
        for organisation_id, category_id, n in pairs:
            offers[organisation_id].add(category_id)
            interest_count += n
    serving = defaultdict(set)
    borough_wide = set()
    for organisation_id, is_borough_wide, ward_id in Organisation.objects.approved().values_list(
        "pk", "borough_wide", "wards"
    ):
        if is_borough_wide:
            borough_wide.add(organisation_id)
        elif ward_id is not None:
            serving[ward_id].add(organisation_id)
    # Borough-wide groups count in every ward, so they are tallied once; a ward adds its own groups
    # (never borough-wide ones, see above). Thousands of groups × wards × categories otherwise.
    column = {category.pk: index for index, category in enumerate(categories)}

    def tally(organisation_ids):
        counts = [0] * len(categories)
        for organisation_id in organisation_ids:
            for category_id in offers.get(organisation_id, ()):
                if category_id in column:
                    counts[column[category_id]] += 1
        return counts

    everywhere = tally(borough_wide)
    coverage = [
        (ward, [a + b for a, b in zip(everywhere, tally(serving[ward.pk]), strict=True)]) for ward in wards
    ]
    stale = Organisation.objects.approved().not_confirmed_since(stale_before)
    return Dashboard(
        survey=survey,
        approved=status_counts.get(Organisation.Status.APPROVED, 0),
        pending=status_counts.get(Organisation.Status.PENDING, 0),
        interests=interest_count,
        gaps=matrix.gap_count,
        columns=len(matrix.columns),
        categories=categories,
        wards=wards,
        coverage=coverage,
        coverage_max=max((max(c) for _, c in coverage if c), default=0),
        awaiting_review=list(Organisation.objects.pending().order_by("created_at")[:listed]),
        stale=list(stale.order_by("last_confirmed_at", "created_at")[:listed]),
        stale_count=stale.count(),
    )
