"""The matrix filters, read from the query string so every view is a shareable link."""

import django_filters
from django import forms

from organisations.models import Organisation, Ward
from services.models import ServiceArea, ServiceCategory

from ..fields import PreloadedModelChoiceField, PreloadedModelMultipleChoiceField
from ..models import Interest, Survey
from ..rounds import latest_opened
from .selectors import MatrixFilters


class PreloadedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PreloadedModelChoiceField


class PreloadedModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = PreloadedModelMultipleChoiceField


ROLE_CHOICES = [
    ("deliver", "Can deliver"),
    ("co_govern", "Can co-govern"),
    ("both", "Can deliver and co-govern"),
]
READINESS_CHOICES = [
    (Interest.Readiness.READY_NOW, "Ready now"),
    (Interest.Readiness.WITH_SUPPORT, "Ready with support, or ready now"),
    (Interest.Readiness.FUTURE, "Any readiness"),
]


class MatrixFilterSet(django_filters.FilterSet):
    """Validates the matrix query string; the selector applies it (see `matrix_filters`)."""

    q = django_filters.CharFilter(label="Organisation name", method="_keep", max_length=200)
    org_type = django_filters.ChoiceFilter(
        label="Type of organisation",
        choices=Organisation.OrgType.choices,
        method="_keep",
        empty_label="Any type",
    )
    ward = PreloadedModelChoiceFilter(
        label="Ward served",
        queryset=Ward.objects.order_by("name"),
        to_field_name="gss_code",
        method="_keep",
        empty_label="Any ward",
    )
    category = PreloadedModelChoiceFilter(
        label="Service category",
        queryset=ServiceCategory.objects.all(),
        to_field_name="slug",
        method="_keep",
        empty_label="Any category",
    )
    risk_tier = django_filters.ChoiceFilter(
        label="Risk tier",
        choices=ServiceArea.RiskTier.choices,
        method="_keep",
        empty_label="Any tier",
    )
    service = PreloadedModelMultipleChoiceFilter(
        label="Services",
        queryset=ServiceArea.objects.in_display_order(),
        to_field_name="slug",
        method="_keep",
        widget=forms.CheckboxSelectMultiple,
    )
    role = django_filters.ChoiceFilter(
        label="Role", choices=ROLE_CHOICES, method="_keep", empty_label="Deliver or co-govern"
    )
    readiness = django_filters.ChoiceFilter(
        label="Readiness", choices=READINESS_CHOICES, method="_keep", empty_label="Any readiness"
    )
    survey = PreloadedModelChoiceFilter(
        label="Survey round",
        queryset=Survey.objects.organisation_capacity().latest_first(),
        to_field_name="slug",
        method="_keep",
        empty_label=None,
    )
    gaps = django_filters.BooleanFilter(
        label="Only services with no one ready to deliver",
        method="_keep",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    class Meta:
        model = Organisation
        fields = []

    def _keep(self, queryset, name, value):
        return queryset

    def matrix_filters(self) -> MatrixFilters:
        """The valid filters; an invalid value is left out and its error shown by the field."""
        self.is_valid()
        data = self.form.cleaned_data
        return MatrixFilters(
            q=(data.get("q") or "").strip(),
            org_type=data.get("org_type") or "",
            ward=data.get("ward"),
            category=data.get("category"),
            risk_tier=data.get("risk_tier") or "",
            services=tuple(data.get("service") or ()),
            role=data.get("role") or "",
            readiness=data.get("readiness") or "",
            gaps_only=bool(data.get("gaps")),
        )

    def selected_survey(self):
        """The round asked for, else the latest organisation-capacity round."""
        self.is_valid()
        # The rounds are already loaded for the form, so the default needs no query of its own.
        return self.form.cleaned_data.get("survey") or latest_opened(self.form.fields["survey"].loaded())
