import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import identifiers
from .querysets import OrganisationQuerySet

gss_code_validator = RegexValidator(
    r"^[ENSW][0-9]{8}$",
    "Enter a 9-character ONS GSS code: a letter E, N, S or W and 8 digits, like E05011234.",
)
uk_postcode_validator = RegexValidator(
    r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$",
    "Enter a full UK postcode, like SW1A 1AA.",
    flags=re.IGNORECASE,
)


class Ward(models.Model):
    """An electoral ward of the council, identified by its ONS GSS code."""

    name = models.CharField(max_length=100)
    gss_code = models.CharField("GSS code", max_length=9, unique=True, validators=[gss_code_validator])
    code_year = models.PositiveSmallIntegerField(
        "year of the code set",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year of the ONS ward code set the GSS code comes from.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """A community group, charity, social enterprise or co-operative in the council's area."""

    class OrgType(models.TextChoices):
        COMMUNITY_GROUP = "community_group", "Community group"
        FRIENDS_OF = "friends_of", "“Friends of” group"
        CHARITY = "charity", "Registered charity"
        SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise or CIC"
        COOPERATIVE = "cooperative", "Co-operative or community benefit society"
        MUTUAL = "mutual", "Employee-owned mutual"
        FAITH_GROUP = "faith_group", "Faith group"
        PARISH_COUNCIL = "parish_council", "Parish or town council"
        TENANTS_RESIDENTS = "tenants_residents", "Tenants’ and residents’ association"
        VOLUNTEER_NETWORK = "volunteer_network", "Informal volunteer network"
        OTHER = "other", "Other"

    class CharityRegulator(models.TextChoices):
        CCEW = "ccew", "Charity Commission for England and Wales"
        OSCR = "oscr", "Scottish Charity Regulator (OSCR)"
        CCNI = "ccni", "Charity Commission for Northern Ireland"

    class IncomeBand(models.TextChoices):
        UNDER_10K = "under_10k", "Under £10,000"
        FROM_10K = "10k_100k", "£10,000 to £100,000"
        FROM_100K = "100k_1m", "£100,000 to £1 million"
        OVER_1M = "over_1m", "Over £1 million"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    org_type = models.CharField("type", max_length=30, choices=OrgType.choices)
    description = models.TextField(blank=True, max_length=4000)

    charity_number = models.CharField(max_length=12, blank=True)
    charity_regulator = models.CharField(max_length=4, blank=True, choices=CharityRegulator.choices)
    company_number = models.CharField(max_length=10, blank=True)
    society_number = models.CharField(
        "co-operative or community benefit society number", max_length=10, blank=True
    )

    borough_wide = models.BooleanField(
        default=False, help_text="Works across the whole council area, not only some wards."
    )
    wards = models.ManyToManyField(Ward, blank=True, related_name="organisations")

    volunteers = models.PositiveIntegerField(null=True, blank=True)
    paid_staff = models.PositiveIntegerField(null=True, blank=True)
    income_band = models.CharField("annual income", max_length=12, blank=True, choices=IncomeBand.choices)
    year_founded = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    safeguarding_policy = models.BooleanField(default=False)
    public_liability_insurance = models.BooleanField(default=False)

    website = models.URLField(blank=True, max_length=300)
    public_email = models.EmailField(blank=True)
    public_phone = models.CharField(max_length=30, blank=True)

    # Private: never shown on public pages.
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[uk_postcode_validator])

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    status_reason = models.TextField(blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    consent_at = models.DateTimeField("consent given", null=True, blank=True)
    last_confirmed_at = models.DateTimeField("last confirmed", null=True, blank=True)
    erasure_requested_at = models.DateTimeField("deletion requested", null=True, blank=True)
    # Part of every update link; a new value makes all earlier links stop working.
    link_nonce = models.CharField(max_length=32, blank=True, default="")
    # The random key of the registration form this record came from: a second "Send" of the same
    # form (a double click, a retry) finds this record instead of storing the group twice.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # When the group was last emailed a fresh link because its record had not been confirmed
    # for a long time; it is emailed once until it confirms or updates again.
    freshness_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "link_nonce", "submission_key", "freshness_reminder_sent_at"]
    )
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            # Contact name, email, phone and postcode leave the system only with this permission;
            # the Council officers group does not have it.
            ("export_personal_data", "Can export organisations' contact details"),
        ]
        indexes = [
            models.Index(fields=["org_type"], name="org_type_idx"),
            # The matrix lists approved organisations by name, a page at a time.
            models.Index(fields=["status", "name"], name="org_status_name_idx"),
            models.Index(fields=["charity_number"], name="org_charity_number_idx"),
            models.Index(fields=["company_number"], name="org_company_number_idx"),
            models.Index(fields=["last_confirmed_at"], name="org_last_confirmed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(status_reason=""),
                name="organisation_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(charity_number="", charity_regulator="")
                    | (~models.Q(charity_number="") & ~models.Q(charity_regulator=""))
                ),
                name="organisation_charity_number_has_regulator",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def org_id(self):
        """The org-id.guide identifier, derived from the registration numbers."""
        return identifiers.org_id_for(
            charity_number=self.charity_number,
            charity_regulator=self.charity_regulator,
            company_number=self.company_number,
            society_number=self.society_number,
            internal_id=self.pk,
            internal_prefix=settings.ORG_ID_INTERNAL_PREFIX,
        )

    @property
    def reference(self):
        """The reference a group quotes: stable, and reveals nothing else."""
        return f"CM-{self.pk:06d}" if self.pk else ""

    @property
    def is_registered(self):
        return bool(self.charity_number or self.company_number or self.society_number)

    def clean(self):
        errors = {}
        self.postcode = normalise_postcode(self.postcode)
        if self.charity_number or self.charity_regulator:
            if not self.charity_regulator:
                errors["charity_regulator"] = "Select which regulator the charity is registered with."
            elif not self.charity_number:
                errors["charity_number"] = "Enter the charity number, or leave the regulator empty."
            else:
                try:
                    identifiers.validate_charity_number(self.charity_number, self.charity_regulator)
                    self.charity_number = identifiers.normalise_charity_number(
                        self.charity_number, self.charity_regulator
                    )
                except ValidationError as error:
                    errors["charity_number"] = error.messages
        if self.company_number:
            try:
                identifiers.validate_company_number(self.company_number)
                self.company_number = identifiers.normalise_company_number(self.company_number)
            except ValidationError as error:
                errors["company_number"] = error.messages
        if self.society_number:
            try:
                identifiers.validate_society_number(self.society_number)
                self.society_number = identifiers.normalise_society_number(self.society_number)
            except ValidationError as error:
                errors["society_number"] = error.messages
        if self.status == self.Status.REJECTED and not self.status_reason.strip():
            errors["status_reason"] = "Give a reason for rejecting this registration."
        if errors:
            raise ValidationError(errors)


def normalise_postcode(value):
    """Upper-case a UK postcode and put the single space before the inward code."""
    squashed = re.sub(r"\s+", "", value or "").upper()
    if len(squashed) >= 5:
        return f"{squashed[:-3]} {squashed[-3:]}"
    return squashed
