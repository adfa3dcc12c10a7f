from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from simple_history.models import HistoricalRecords

from organisations.models import Organisation, Ward
from services.models import ServiceArea

from .querysets import InterestQuerySet, SurveyQuerySet


class Survey(models.Model):
    """A survey round: organisation capacity or resident views, open between two dates."""

    class Kind(models.TextChoices):
        ORGANISATION_CAPACITY = "organisation_capacity", "Organisation capacity"
        RESIDENT_VIEWS = "resident_views", "Resident views"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    introduction = models.TextField(blank=True)
    results_published = models.BooleanField(
        default=False,
        help_text="Residents' results are public once the round has closed and this is ticked.",
    )
    services = models.ManyToManyField(
        ServiceArea,
        blank=True,
        related_name="surveys",
        help_text="The services this round asks about. Leave empty for every open service.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        indexes = [models.Index(fields=["kind", "opens_at"], name="survey_kind_opens_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The closing date must be after the opening date."})
        clash = self.overlapping_round()
        if clash is not None:
            # Two open rounds of one kind would make pages switch silently to the newer, emptier
            # one, and residents who had answered would be asked again.
            raise ValidationError(
                f"These dates overlap “{clash.title}” ({_day(clash.opens_at)} to {_day(clash.closes_at)}), "
                f"another {self.get_kind_display().lower()} round. Rounds of one kind cannot overlap: "
                "open this one after that one closes, or change that round’s dates first."
            )

    def overlapping_round(self):
        """Another round of the same kind open at any moment this one is, if there is one."""
        if not (self.kind and self.opens_at and self.closes_at):
            return None
        return (
            Survey.objects.filter(kind=self.kind, opens_at__lt=self.closes_at, closes_at__gt=self.opens_at)
            .exclude(pk=self.pk)
            .order_by("opens_at")
            .first()
        )

    def is_open(self, when=None):
        when = when or timezone.now()
        return self.opens_at <= when < self.closes_at

    def covered_services(self):
        """The services this round asks about: its own list, or every open service."""
        chosen = self.services.all()
        if chosen.exists():
            return chosen
        return ServiceArea.objects.open_to_interest()


def _day(moment):
    return formats.date_format(timezone.localtime(moment), "j F Y")


def roles_code(*, delivers, co_governs, between="+"):
    """D, G or D+G: whether a group can deliver a service, co-govern it, or both.

    The exports write "D+G"; the matrix's cells show "D G" (`between=" "`).
    """
    return between.join(code for code, on in (("D", delivers), ("G", co_governs)) if on)


class Interest(models.Model):
    """An organisation's willingness to deliver or co-govern one service, in one round."""

    class Involvement(models.TextChoices):
        VOLUNTEERS = "volunteers", "Volunteers within a council-run service (governance unchanged)"
        DELIVER_PART = "deliver_part", "Deliver part of the service under a grant or contract"
        RUN_ARMS_LENGTH = "run_arms_length", "Take over and run the service at arm’s length"
        GOVERNANCE_SEAT = "governance_seat", "A seat on the board or panel that governs it"

    class Readiness(models.TextChoices):
        READY_NOW = "ready_now", "Ready now"
        WITH_SUPPORT = "with_support", "Ready with support"
        FUTURE = "future", "Interested for the future"

    class Support(models.TextChoices):
        FUNDING = "funding", "Funding"
        TRAINING = "training", "Training"
        PREMISES = "premises", "Premises"
        INSURANCE = "insurance", "Insurance"
        DBS_CHECKS = "dbs_checks", "DBS checks"
        LEGAL = "legal", "Legal or governance advice"
        IT_DATA = "it_data", "IT and data"
        OTHER = "other", "Other"

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="interests")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="interests")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="interests")
    delivers = models.BooleanField("can deliver", default=False)
    co_governs = models.BooleanField("can co-govern", default=False)
    involvement = models.CharField(max_length=20, choices=Involvement.choices)
    readiness = models.CharField(max_length=20, choices=Readiness.choices)
    volunteers_offered = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100000)]
    )
    hours_per_week = models.PositiveIntegerField(
        "volunteer hours a week", null=True, blank=True, validators=[MaxValueValidator(100000)]
    )
    support_needed = models.JSONField(default=list, blank=True)
    costs = models.TextField(blank=True, max_length=4000)
    benefits = models.TextField(blank=True, max_length=4000)
    concerns = models.TextField(blank=True, max_length=4000)
    # Set when the group withdraws the service: the interest (and the officer's assessment of it)
    # is kept, out of the matrix and every count, and becomes current again if the group re-adds it.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = InterestQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "organisation", "service_area"]
        indexes = [
            models.Index(fields=["survey", "service_area"], name="interest_survey_service_idx"),
            models.Index(fields=["survey", "organisation"], name="interest_survey_org_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "organisation", "service_area"],
                name="interest_one_per_survey_organisation_service",
            ),
            models.CheckConstraint(
                condition=models.Q(delivers=True) | models.Q(co_governs=True),
                name="interest_delivers_or_co_governs",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.service_area} ({self.roles_label})"

    @property
    def roles_code(self):
        """D, G or D+G, as in the matrix exports."""
        return roles_code(delivers=self.delivers, co_governs=self.co_governs)

    @property
    def roles_label(self):
        roles = [label for label, on in (("deliver", self.delivers), ("co-govern", self.co_governs)) if on]
        return " and ".join(roles) or "none"

    def support_needed_labels(self):
        labels = dict(self.Support.choices)
        return [labels.get(value, value) for value in self.support_needed or []]

    def clean(self):
        errors = {}
        if self.survey_id and self.survey.kind != Survey.Kind.ORGANISATION_CAPACITY:
            errors["survey"] = "Interests belong to an organisation capacity round."
        if not (self.delivers or self.co_governs):
            errors["delivers"] = "Select whether the group could deliver, co-govern, or both."
        if not isinstance(self.support_needed, list):
            errors["support_needed"] = "Support needed must be a list of options."
        else:
            unknown = set(self.support_needed) - set(self.Support.values)
            if unknown:
                errors["support_needed"] = f"Unknown support options: {', '.join(sorted(unknown))}."
            self.support_needed = [v for v in self.Support.values if v in self.support_needed]
        if errors:
            raise ValidationError(errors)


class Assessment(models.Model):
    """A council officer's view of one interest: cost, saving, value, risk, recommendation."""

    class RiskRating(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Recommendation(models.TextChoices):
        EXPLORE = "explore", "Explore"
        PILOT = "pilot", "Pilot"
        NOT_NOW = "not_now", "Not now"
        NOT_SUITABLE = "not_suitable", "Not suitable"

    interest = models.OneToOneField(Interest, on_delete=models.CASCADE, related_name="assessment")
    estimated_cost = models.DecimalField(
        "estimated cost to the council (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    estimated_saving = models.DecimalField(
        "estimated saving (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    social_value = models.TextField(blank=True, max_length=4000)
    risks = models.TextField(blank=True, max_length=4000)
    risk_rating = models.CharField(max_length=10, choices=RiskRating.choices)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices)
    notes = models.TextField(blank=True, max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_cost__gte=0) | models.Q(estimated_cost__isnull=True),
                name="assessment_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_saving__gte=0) | models.Q(estimated_saving__isnull=True),
                name="assessment_saving_not_negative",
            ),
        ]

    def __str__(self):
        return f"Assessment of {self.interest}"


class ResidentResponse(models.Model):
    """One resident's anonymous answers in a resident views round: no name, email or postcode."""

    class AgeBand(models.TextChoices):
        UNDER_25 = "16_24", "16 to 24"
        FROM_25 = "25_34", "25 to 34"
        FROM_35 = "35_44", "35 to 44"
        FROM_45 = "45_54", "45 to 54"
        FROM_55 = "55_64", "55 to 64"
        FROM_65 = "65_74", "65 to 74"
        OVER_75 = "75_plus", "75 or over"
        NOT_SAID = "not_said", "Prefer not to say"

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="resident_responses")
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="resident_responses"
    )
    age_band = models.CharField(max_length=10, blank=True, choices=AgeBand.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    # A random key per survey form, so a second "Send" of the same answers is not counted twice.
    # It is not tied to the resident or their browser beyond that one form.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["survey", "ward"], name="response_survey_ward_idx")]

    def __str__(self):
        return f"Response {self.pk} to {self.survey}"


class ResidentServiceView(models.Model):
    """A resident's view of one service being delivered differently, and the ways they'd accept."""

    class View(models.TextChoices):
        WILLING = "willing", "Willing"
        NEUTRAL = "neutral", "Neutral"
        UNEASY = "uneasy", "Uneasy"
        DONT_KNOW = "dont_know", "Don’t know"

    response = models.ForeignKey(ResidentResponse, on_delete=models.CASCADE, related_name="views")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="resident_views")
    view = models.CharField(max_length=10, choices=View.choices)
    accepts_volunteers = models.BooleanField("more volunteers in the council service", default=False)
    accepts_community_group = models.BooleanField("a community group or charity", default=False)
    accepts_social_enterprise = models.BooleanField("a social enterprise or co-operative", default=False)
    accepts_mutual = models.BooleanField("an employee-owned mutual", default=False)

    class Meta:
        ordering = ["response", "service_area"]
        indexes = [models.Index(fields=["service_area", "view"], name="view_service_view_idx")]
        constraints = [
            models.UniqueConstraint(fields=["response", "service_area"], name="resident_view_one_per_service")
        ]

    def __str__(self):
        return f"{self.service_area}: {self.get_view_display()}"


class OrganisationUpdate(models.Model):
    """Changes a group proposed through its update link, held until a moderator accepts them."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="updates")
    survey = models.ForeignKey(
        Survey,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The round whose interests the group changed, if one was open.",
    )
    answers = models.JSONField(help_text="The group's answers, page by page, as they typed them.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # A random key per update form, so a second "Send" of the same changes stores them once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="update_status_submitted_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="organisation_update_rejection_has_reason",
            )
        ]

    def __str__(self):
        return f"Update to {self.organisation} ({self.get_status_display().lower()})"
