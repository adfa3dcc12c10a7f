"""Reads that aggregate: the capacity matrix and the figures built from it.

Pages, exports, the dashboard and the tests all call these; none re-derives the counts.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from organisations import identifiers
from organisations.models import Organisation
from services.models import ServiceArea

from .models import Interest, ResidentResponse, ResidentServiceView, Survey

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
    ward: object = None  # a Ward
    category: object = None  # a ServiceCategory
    risk_tier: str = ""
    services: tuple = ()  # ServiceArea objects
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
        return "+".join(c for c, on in (("D", self.delivers), ("G", self.co_governs)) if on)

    @property
    def label(self):
        return " ".join(c for c, on in (("D", self.delivers), ("G", self.co_governs)) if on)

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
    cells: list  # one MatrixCell or None per column

    @property
    def service_count(self):
        return sum(1 for cell in self.cells if cell is not None)


@dataclass
class CapacityMatrix:
    """The matrix for one round: columns grouped by category, rows, footers and gaps."""

    survey: Survey | None
    columns: list
    rows: list = field(default_factory=list)
    organisation_count: int | None = 0
    interests: object = None  # the shown interests of every row, as a queryset

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
            "service_area__category__position",
            "service_area__category__name",
            "service_area__name",
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


def open_capacity_survey(when=None):
    """The organisation-capacity round taking interests now, if any."""
    return Survey.objects.organisation_capacity().open_at(when).latest_first().first()


def next_capacity_survey(when=None):
    """The next organisation-capacity round to open, if one is planned."""
    return (
        Survey.objects.organisation_capacity()
        .filter(opens_at__gt=when or timezone.now())
        .order_by("opens_at")
        .first()
    )


def services_for_round(survey):
    """The services a round asks about, in the order pages show them."""
    if survey is None:
        return ServiceArea.objects.none()
    return (
        survey.covered_services()
        .select_related("category")
        .order_by("category__position", "category__name", "name")
    )


def default_capacity_survey():
    """The latest organisation-capacity round that has opened (a future round waits)."""
    return latest_opened(Survey.objects.organisation_capacity().latest_first())


def latest_opened(rounds, when=None):
    """From rounds newest first, the first that has opened; else the oldest one listed."""
    when = when or timezone.now()
    rounds = list(rounds)
    return next((r for r in rounds if r.opens_at <= when), rounds[-1] if rounds else None)


def _population(filters):
    """Approved organisations matching the filters about the organisation itself."""
    organisations = Organisation.objects.approved()
    if filters.q:
        organisations = organisations.filter(name__icontains=filters.q)
    if filters.org_type:
        organisations = organisations.filter(org_type=filters.org_type)
    if filters.ward is not None:
        organisations = organisations.filter(
            Q(borough_wide=True)
            | Q(pk__in=Organisation.wards.through.objects.filter(ward=filters.ward).values("organisation_id"))
        )
    return organisations


def _visible_services(filters, survey):
    services = ServiceArea.objects.select_related("category").order_by(
        "category__position", "category__name", "name"
    )
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
    interests = Interest.objects.filter(survey=survey)
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
        Interest.objects.filter(survey=survey, service_area__in=list(by_service), organisation__in=population)
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


READINESS_SIGNAL_RULE = [
    (
        "Keep council-led, explore co-governance",
        "the service is high risk (statutory care or safeguarding), whatever the capacity or residents’ "
        "views",
    ),
    ("Not open to community interest", "the council has not opened the service to expressions of interest"),
    (
        "Contested",
        "some residents are uneasy and at least as many are uneasy as willing, whatever the capacity",
    ),
    (
        "Strong candidate",
        "at least two groups are ready now to deliver and more residents are willing than uneasy",
    ),
    (
        "Possible candidate",
        "at least one group is ready now to deliver (but only one, or residents are not more willing than "
        "uneasy)",
    ),
    ("Possible with support", "no group is ready now, but at least one would be ready with support"),
    ("No capacity yet", "no group is ready now or ready with support to deliver"),
]


def readiness_signal(service, column, residents=None):
    """The plain-language signal for one service, by the first rule in READINESS_SIGNAL_RULE.

    `column` holds the groups' capacity (a MatrixColumn), `residents` the residents' views
    (a ServiceResidentViews); either may be None when there is none.
    """
    contested, strong, possible, with_support, no_capacity = (s for s, _rule in READINESS_SIGNAL_RULE[2:])
    if service.risk_tier == ServiceArea.RiskTier.HIGH:
        return READINESS_SIGNAL_RULE[0][0]
    if column is None or not service.open_to_interest:
        return READINESS_SIGNAL_RULE[1][0]
    if residents is not None and residents.is_contested:
        return contested
    if column.ready_deliverers >= 2 and residents is not None and residents.willing > residents.uneasy:
        return strong
    if column.ready_deliverers >= 1:
        return possible
    if column.ready_with_support:
        return with_support
    return no_capacity


@dataclass
class ServiceSummary:
    service: ServiceArea
    column: MatrixColumn | None
    signal: str
    residents: object = None  # a ServiceResidentViews


def services_overview(*, survey, residents_survey=None):
    """One row per service: tier, ready groups, support, residents' views, and the signal."""
    matrix = capacity_matrix(filters=MatrixFilters(), survey=survey, limit=0)
    columns = {column.service.pk: column for column in matrix.columns}
    views = resident_views(survey=residents_survey)
    services = ServiceArea.objects.select_related("category").order_by(
        "category__position", "category__name", "name"
    )
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

    interests: list
    involvement_counts: list  # (label, count), in the order of Interest.Involvement
    assessed: list
    total_cost: object
    total_saving: object


def service_capacity(*, service, survey):
    """The approved groups' interests in a service, the governance models, assessment totals."""
    if survey is None:
        return ServiceCapacity(interests=[], involvement_counts=[], assessed=[], total_cost=0, total_saving=0)
    interests = list(
        Interest.objects.of_approved_organisations()
        .filter(survey=survey, service_area=service)
        .select_related("organisation", "assessment", "assessment__author")
        .order_by("readiness", "organisation__name")
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
    )


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list  # (field label, old, new)


@dataclass
class OrganisationProfile:
    wards: list
    rounds: list  # (survey, [interests])
    history: list


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
        .order_by("-survey__opens_at", "service_area__category__position", "service_area__name")
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
    categories: list
    wards: list
    coverage: list  # (ward, [count per category]) rows
    coverage_max: int
    awaiting_review: list
    stale: list
    stale_count: int


def dashboard(*, survey, stale_before, listed=10):
    """Headline counts, coverage by category × ward, the review queue and stale records."""
    from organisations.models import Ward
    from services.models import ServiceCategory

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
            Interest.objects.of_approved_organisations()
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


# A group's contact details: personal data under UK GDPR, removed on erasure and after retention.
PERSONAL_FIELDS = (
    "contact_name",
    "contact_email",
    "contact_phone",
    "postcode",
    "public_email",
    "public_phone",
)


def _history_record(entry, fields, current):
    """A history entry as the group may see it: an earlier contact's details are not theirs."""
    record = {}
    for name in fields:
        value = getattr(entry, name, None)
        if name in PERSONAL_FIELDS and value and value != current[name]:
            continue
        record[name] = value
    return record


def organisation_data(organisation):
    """Everything held about a group, for the group itself (a UK GDPR access request).

    The history says when and how the record changed, but holds personal data only where it is
    the current contact's own (UK GDPR Art. 15(4): a copy must not hand over others' data).
    """
    internal = {"link_nonce", "reviewed_by", "submission_key"}
    fields = [f.name for f in Organisation._meta.fields if f.name not in internal]
    current = {name: getattr(organisation, name) for name in PERSONAL_FIELDS}
    interests = Interest.objects.filter(organisation=organisation).select_related("survey", "service_area")
    return {
        "reference": organisation.reference,
        "org_id": organisation.org_id,
        "record": {name: getattr(organisation, name) for name in fields},
        "wards": [f"{w.name} ({w.gss_code})" for w in organisation.wards.order_by("name")],
        "interests": [
            {
                "round": i.survey.title,
                "service": i.service_area.name,
                "delivers": i.delivers,
                "co_governs": i.co_governs,
                "involvement": i.get_involvement_display(),
                "readiness": i.get_readiness_display(),
                "volunteers_offered": i.volunteers_offered,
                "hours_per_week": i.hours_per_week,
                "support_needed": i.support_needed_labels(),
                "costs": i.costs,
                "benefits": i.benefits,
                "concerns": i.concerns,
            }
            for i in interests
        ],
        "history": [
            {
                "date": h.history_date,
                "change": h.get_history_type_display(),
                "reason": h.history_change_reason or "",
                "record": _history_record(h, fields, current),
            }
            for h in organisation.history.order_by("history_date")
        ],
    }


@dataclass
class ModerationQueue:
    registrations: list  # (organisation, [likely duplicate organisations])
    updates: list
    erasures: list
    failed_emails: int = 0


def moderation_queue():
    """New registrations and pending updates, oldest first, with likely duplicates flagged."""
    from organisations.duplicates import duplicate_pool, likely_duplicates
    from outbox.models import Email

    from .models import OrganisationUpdate

    pending = list(Organisation.objects.pending().order_by("created_at", "pk"))
    pool = duplicate_pool()
    matches = {o.pk: likely_duplicates({"pk": o.pk, **_numbers_and_name(o)}, pool) for o in pending}
    wanted = {pk for found in matches.values() for pk in found}
    by_pk = Organisation.objects.in_bulk(wanted)
    return ModerationQueue(
        registrations=[(o, [by_pk[pk] for pk in matches[o.pk]]) for o in pending],
        updates=list(
            OrganisationUpdate.objects.filter(status=OrganisationUpdate.Status.PENDING)
            .select_related("organisation")
            .order_by("submitted_at", "pk")
        ),
        erasures=list(
            Organisation.objects.filter(erasure_requested_at__isnull=False)
            .exclude(status=Organisation.Status.ARCHIVED)
            .order_by("erasure_requested_at")
        ),
        failed_emails=Email.objects.filter(status=Email.Status.FAILED).count(),
    )


def _numbers_and_name(organisation):
    return {
        name: getattr(organisation, name)
        for name in ("name", "charity_number", "company_number", "society_number")
    }


def likely_duplicates_of(organisation):
    """Other records that share a number or a near-identical name with this one."""
    from organisations.duplicates import duplicate_pool, likely_duplicates

    found = likely_duplicates({"pk": organisation.pk, **_numbers_and_name(organisation)}, duplicate_pool())
    return list(Organisation.objects.filter(pk__in=found).order_by("name"))


@dataclass
class Change:
    section: str
    question: str
    approved: str
    proposed: str


def update_changes(update):
    """What an update would change, question by question and interest by interest."""
    from .journey import Journey, answers_from_organisation

    services = services_for_round(update.survey)
    current = Journey(
        answers_from_organisation(update.organisation, survey=update.survey),
        survey=update.survey,
        services=services,
    )
    proposed = Journey(update.answers, survey=update.survey, services=services)
    before = {page.title: dict(rows) for page, rows in current.summary()}
    after = {page.title: dict(rows) for page, rows in proposed.summary()}
    changes = []
    for section in list(before) + [s for s in after if s not in before]:
        old_rows, new_rows = before.get(section), after.get(section)
        if old_rows is None:
            changes.append(Change(section, "Interest", "None", "Added"))
        elif new_rows is None:
            changes.append(Change(section, "Interest", "Registered", "Withdrawn"))
        for question in (new_rows or {}) if old_rows is not None and new_rows is not None else []:
            if old_rows.get(question) != new_rows.get(question):
                old = old_rows.get(question, "Not given")
                changes.append(Change(section, question, old, new_rows[question]))
    return changes


# --- Residents' views ---------------------------------------------------------------------------

RESIDENT_CHANNELS = [
    # (the answer's value, the ResidentServiceView field, what residents are asked)
    ("volunteers", "accepts_volunteers", "More volunteers within the council service"),
    ("community_group", "accepts_community_group", "A community group or charity"),
    ("social_enterprise", "accepts_social_enterprise", "A social enterprise or co-operative"),
    ("mutual", "accepts_mutual", "An employee-owned mutual"),
]


def percentage(count, total):
    """`count` as a whole percentage of `total`, halves rounded up; 0 when there is no total."""
    return (200 * count + total) // (2 * total) if total else 0


@dataclass(frozen=True)
class AnswerCount:
    value: str
    label: str
    count: int
    percent: int


@dataclass
class ServiceResidentViews:
    """How residents feel about one service being delivered differently, and the ways they'd accept."""

    service: ServiceArea
    willing: int = 0
    neutral: int = 0
    uneasy: int = 0
    dont_know: int = 0
    channels: dict = field(default_factory=dict)  # answer value -> residents who would accept it

    @property
    def n(self):
        """How many residents answered about this service."""
        return self.willing + self.neutral + self.uneasy + self.dont_know

    @property
    def willing_percent(self):
        return percentage(self.willing, self.n)

    @property
    def uneasy_percent(self):
        return percentage(self.uneasy, self.n)

    @property
    def views(self):
        """Each answer with its count and percentage, in the order the question offers them."""
        return [
            AnswerCount(value, label, getattr(self, value), percentage(getattr(self, value), self.n))
            for value, label in ResidentServiceView.View.choices
        ]

    @property
    def channel_counts(self):
        """Each way of running the service, with how many residents would accept it."""
        counts = [(value, label, self.channels.get(value, 0)) for value, _field, label in RESIDENT_CHANNELS]
        return [AnswerCount(value, label, count, percentage(count, self.n)) for value, label, count in counts]

    @property
    def is_contested(self):
        """Some residents are uneasy, and at least as many as are willing."""
        return self.uneasy > 0 and self.uneasy >= self.willing


@dataclass
class ResidentViews:
    """Residents' views of each service in one round, of everyone or of one ward or age band."""

    survey: Survey | None
    respondents: int = 0
    services: list = field(default_factory=list)  # ServiceResidentViews, in display order

    def for_service(self, service):
        """One service's views; all zero when the round did not ask about it."""
        found = next((views for views in self.services if views.service.pk == service.pk), None)
        return found or ServiceResidentViews(service=service)

    def by_unease(self):
        """Most uneasy first, by share of those who answered; services nobody answered about last."""
        return sorted(
            self.services,
            key=lambda v: (v.n == 0, -Fraction(v.uneasy, v.n or 1), -v.n, v.service.name.lower()),
        )


def resident_views(*, survey, ward=None, age_band="", service=None) -> ResidentViews:
    """Count residents' views per service in SQL: three queries however many residents answered.

    Lists the services the round asks about and any others residents answered about (should
    the round's list have changed); `service` narrows it to that one service.
    """
    if survey is None:
        return ResidentViews(survey=None)
    responses = ResidentResponse.objects.filter(survey=survey)
    answers = ResidentServiceView.objects.filter(response__survey=survey)
    if ward is not None:
        responses, answers = responses.filter(ward=ward), answers.filter(response__ward=ward)
    if age_band:
        responses, answers = responses.filter(age_band=age_band), answers.filter(response__age_band=age_band)
    if service is not None:
        answers = answers.filter(service_area=service)
    totals = {
        row.pop("service_area_id"): row
        for row in answers.values("service_area_id")
        .annotate(
            **{value: Count("pk", filter=Q(view=value)) for value in ResidentServiceView.View.values},
            **{value: Count("pk", filter=Q(**{name: True})) for value, name, _label in RESIDENT_CHANNELS},
        )
        .order_by()
    }
    if service is not None:
        services = [service]
    else:
        chosen = Survey.services.through.objects.filter(survey=survey)
        services = ServiceArea.objects.in_display_order().filter(
            Q(pk__in=chosen.values("servicearea_id"))
            | (Q(open_to_interest=True) & ~Exists(chosen))
            | Q(pk__in=list(totals))
        )
    return ResidentViews(
        survey=survey,
        respondents=responses.count(),
        services=[_service_views(s, totals.get(s.pk, {})) for s in services],
    )


def _service_views(service, row):
    return ServiceResidentViews(
        service=service,
        **{value: row.get(value, 0) for value in ResidentServiceView.View.values},
        channels={value: row.get(value, 0) for value, _name, _label in RESIDENT_CHANNELS},
    )


def first_send(model, submission_key):
    """What the first send of the form carrying this key stored (a group, an update, a resident's
    response), if it has been sent before."""
    if submission_key is None:
        return None
    return model.objects.filter(submission_key=submission_key).first()
