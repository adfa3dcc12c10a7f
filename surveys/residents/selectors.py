"""Residents' views, counted per service."""

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Exists, Q

from services.models import ServiceArea

from ..models import ResidentResponse, ResidentServiceView, Survey

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
