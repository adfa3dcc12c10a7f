from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .querysets import DISPLAY_ORDER, ServiceAreaQuerySet


class ServiceCategory(models.Model):
    """A heading that groups the council's services, e.g. Libraries or Adult social care."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on pages; lowest first.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "service categories"

    def __str__(self):
        return self.name


class ServiceArea(models.Model):
    """A council service that groups could deliver or co-govern."""

    class RiskTier(models.TextChoices):
        HIGH = "high", "High (statutory care or safeguarding)"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class DeliveryModel(models.TextChoices):
        IN_HOUSE = "in_house", "In-house"
        COMMISSIONED = "commissioned", "Commissioned"
        SHARED_SERVICE = "shared_service", "Shared service"
        COMMUNITY_RUN = "community_run", "Community-run"
        MIXED = "mixed", "Mixed"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="services")
    description = models.TextField(blank=True)
    lgsl_code = models.PositiveIntegerField(
        "LGSL code",
        null=True,
        blank=True,
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(99999)],
        help_text="Local Government Service List identifier, e.g. 461 for parks.",
    )
    risk_tier = models.CharField(max_length=10, choices=RiskTier.choices, default=RiskTier.MEDIUM)
    statutory = models.BooleanField("statutory duty", default=False)
    current_delivery = models.CharField(
        max_length=20, choices=DeliveryModel.choices, default=DeliveryModel.IN_HOUSE
    )
    open_to_interest = models.BooleanField(
        "open to expressions of interest",
        default=True,
        help_text="Groups can register interest in this service.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ServiceAreaQuerySet.as_manager()

    class Meta:
        ordering = list(DISPLAY_ORDER)
        indexes = [models.Index(fields=["risk_tier"], name="servicearea_risk_tier_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("services:detail", kwargs={"slug": self.slug})
