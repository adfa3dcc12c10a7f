"""The capacity matrix: built in one place; the page, the exports, the officers' pages and
the tests all call `capacity_matrix`, none re-derives the counts.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from organisations import identifiers
from organisations.models import Organisation, Ward
from services.models import ServiceArea, ServiceCategory
from services.querysets import display_order

from ..models import Interest, Survey, roles_code

READINESS_ORDER = [
    Interest.Readiness.READY_NOW,
    Interest.Readiness.WITH_SUPPORT,
    Interest.Readiness.FUTURE,
]


def readiness_at_least(minimum):
    """The readiness values at or above `minimum` (ready now is the highest)."""
    if not minimum:
        return list(READINESS_ORDER)
    return READINESS_ORDER[: READINESS_ORDER.index(minimum) + 1]


@dataclass(frozen=True)
class MatrixFilters:
    """What the officer asked for; every field is optional."""

    q: str = ""
    org_type: str = ""
    ward: Ward | None = None
    category: ServiceCategory | None = None
    risk_tier: str = ""
    services: tuple[ServiceArea, ...] = ()
    role: str = ""  # "deliver", "co_govern" or "both"
    readiness: str = ""  # the minimum readiness
    gaps_only: bool = False


@dataclass
class MatrixCell:
    delivers: bool
    co_governs: bool
    readiness: str
    involvement: str

    @property
    def code(self):
        return roles_code(delivers=self.delivers, co_governs=self.co_governs)

    @property
    def label(self):
        return roles_code(delivers=self.delivers, co_governs=self.co_governs, between=" ")

    @property
    def description(self):
        roles = [r for r, on in (("can deliver", self.delivers), ("can co-govern", self.co_governs)) if on]
        readiness = Interest.Readiness(self.readiness).label.lower()
        return f"{' and '.join(roles)}, {readiness}"


@dataclass
class MatrixColumn:
    service: ServiceArea
    ready_deliverers: int = 0
    ready_co_governors: int = 0
    ready_with_support: int = 0

    @property
    def is_gap(self):
        return self.ready_deliverers == 0


@dataclass
class MatrixRow:
    organisation: Organisation
    cells: list[MatrixCell | None]  # one per column

    @property
    def service_count(self):
        return sum(1 for cell in self.cells if cell is not None)


@dataclass
class CapacityMatrix:
    """The matrix for one round: columns grouped by category, rows, footers and gaps."""

    survey: Survey | None
    columns: list[MatrixColumn]
    rows: list[MatrixRow] = field(default_factory=list)
    organisation_count: int | None = 0
    interests: QuerySet | None = None  # the shown interests of every row

    def interest_records(self):
        """Every shown interest in long form (for exports), in row then column order."""
        if self.interests is None:
            return
        fields = (
            "organisation_id",
            "organisation__name",
            "organisation__charity_number",
            "organisation__charity_regulator",
            "organisation__company_number",
            "organisation__society_number",
            "service_area__name",
            "delivers",
            "co_governs",
            "involvement",
            "readiness",
            "volunteers_offered",
            "hours_per_week",
            "support_needed",
        )
        records = self.interests.order_by(
            "organisation__name",
            "organisation_id",
            *display_order("service_area__"),
        ).values(*fields)
        for record in records.iterator(chunk_size=2000):
            record["org_id"] = identifiers.org_id_for(
                charity_number=record["organisation__charity_number"],
                charity_regulator=record["organisation__charity_regulator"],
                company_number=record["organisation__company_number"],
                society_number=record["organisation__society_number"],
                internal_id=record["organisation_id"],
                internal_prefix=settings.ORG_ID_INTERNAL_PREFIX,
            )
            yield record

    @property
    def category_groups(self):
        """(category, columns) pairs in column order, for the grouped header row."""
        groups = []
        for column in self.columns:
            category = column.service.category
            if groups and groups[-1][0] == category:
                groups[-1][1].append(column)
            else:
                groups.append((category, [column]))
        return groups

    @property
    def gap_count(self):
        return sum(1 for column in self.columns if column.is_gap)


def _population(filters):
    """Approved organisations matching the filters about the organisation itself."""
    organisations = Organisation.objects.approved()
    if filters.q:
        organisations = organisations.filter(name__icontains=filters.q)
    if filters.org_type:
        organisations = organisations.filter(org_type=filters.org_type)
    if filters.ward is not None:
        organisations = organisations.serving_ward(filters.ward)
    return organisations


def _visible_services(filters, survey):
    services = ServiceArea.objects.in_display_order()
    chosen = Survey.services.through.objects.filter(survey=survey)
    services = services.filter(
        Q(pk__in=chosen.values("servicearea_id")) | (Q(open_to_interest=True) & ~Exists(chosen))
    )
    if filters.category is not None:
        services = services.filter(category=filters.category)
    if filters.risk_tier:
        services = services.filter(risk_tier=filters.risk_tier)
    if filters.services:
        services = services.filter(pk__in=[s.pk for s in filters.services])
    return services


def _shown_interests(filters, survey):
    """Interests that make a cell: the role and readiness filters apply here."""
    interests = Interest.objects.current().filter(survey=survey)
    if filters.role == "deliver":
        interests = interests.filter(delivers=True)
    elif filters.role == "co_govern":
        interests = interests.filter(co_governs=True)
    elif filters.role == "both":
        interests = interests.filter(delivers=True, co_governs=True)
    if filters.readiness:
        interests = interests.filter(readiness__in=readiness_at_least(filters.readiness))
    return interests


def capacity_matrix(*, filters: MatrixFilters, survey: Survey | None, offset=0, limit=None):
    """Build the matrix: rows offset..offset+limit (all when limit is None), footers over all.

    Footers and gaps count every organisation the organisation filters select, whatever the
    role and readiness filters, so a gap means no one in that population is ready to deliver.
    """
    if survey is None:
        return CapacityMatrix(survey=None, columns=[])
    population = _population(filters)
    columns = [MatrixColumn(service=s) for s in _visible_services(filters, survey)]
    by_service = {column.service.pk: column for column in columns}
    ready = Interest.Readiness.READY_NOW
    footer = (
        Interest.objects.current()
        .filter(survey=survey, service_area__in=list(by_service), organisation__in=population)
        .values("service_area_id")
        .annotate(
            deliverers=Count("pk", filter=Q(delivers=True, readiness=ready)),
            co_governors=Count("pk", filter=Q(co_governs=True, readiness=ready)),
            with_support=Count("pk", filter=Q(readiness=Interest.Readiness.WITH_SUPPORT)),
        )
        # No ordering: Interest's default one would join organisations and services for nothing.
        .order_by()
    )
    for counts in footer:
        column = by_service[counts["service_area_id"]]
        column.ready_deliverers = counts["deliverers"]
        column.ready_co_governors = counts["co_governors"]
        column.ready_with_support = counts["with_support"]
    if filters.gaps_only:
        columns = [column for column in columns if column.is_gap]
        by_service = {column.service.pk: column for column in columns}
    if not columns:
        return CapacityMatrix(survey=survey, columns=[])

    shown = _shown_interests(filters, survey).filter(service_area__in=list(by_service))
    rows_qs = population.filter(Exists(shown.filter(organisation=OuterRef("pk")))).order_by("name", "pk")
    position = {service_id: index for index, service_id in enumerate(by_service)}
    if limit is None:
        # Every row (for the exports): streamed, two queries however many organisations.
        return CapacityMatrix(
            survey=survey,
            columns=columns,
            rows=_stream_rows(rows_qs, shown, position),
            organisation_count=None,
            interests=shown.filter(organisation__in=rows_qs.values("pk")),
        )
    if limit == 0:
        return CapacityMatrix(survey=survey, columns=columns)
    organisation_count = rows_qs.count()
    organisations = list(rows_qs[offset : offset + limit])
    cells = defaultdict(lambda: [None] * len(position))
    for interest in shown.filter(organisation__in=[o.pk for o in organisations]).values(*_CELL_FIELDS):
        cells[interest["organisation_id"]][position[interest["service_area_id"]]] = _cell(interest)
    rows = [MatrixRow(organisation=o, cells=cells[o.pk]) for o in organisations]
    return CapacityMatrix(survey=survey, columns=columns, rows=rows, organisation_count=organisation_count)


_CELL_FIELDS = ("organisation_id", "service_area_id", "delivers", "co_governs", "readiness", "involvement")


def _cell(values):
    return MatrixCell(
        delivers=values["delivers"],
        co_governs=values["co_governs"],
        readiness=values["readiness"],
        involvement=values["involvement"],
    )


def _stream_rows(rows_qs, shown, position, chunk_size=2000):
    """Merge the organisations and their interests, both in (name, pk) order, row by row."""
    interests = (
        shown.filter(organisation__in=rows_qs.values("pk"))
        .order_by("organisation__name", "organisation_id")
        .values(*_CELL_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    pending = next(interests, None)
    for organisation in rows_qs.iterator(chunk_size=chunk_size):
        cells = [None] * len(position)
        while pending is not None and pending["organisation_id"] == organisation.pk:
            cells[position[pending["service_area_id"]]] = _cell(pending)
            pending = next(interests, None)
        yield MatrixRow(organisation=organisation, cells=cells)
