from import_export import fields, widgets

from capacity_map.imports import CouncilModelResource
from organisations.models import Organisation
from services.models import ServiceArea

from .models import Interest, Survey


class SupportNeededWidget(widgets.Widget):
    """Support needed as a '|'-separated list of option values, e.g. funding|training."""

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return []
        return [part.strip() for part in str(value).split("|") if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return "|".join(value or [])


class InterestResource(CouncilModelResource):
    """CSV/XLSX import and export of interests, keyed by round, organisation and service slugs."""

    survey = fields.Field(
        column_name="survey", attribute="survey", widget=widgets.ForeignKeyWidget(Survey, "slug")
    )
    organisation = fields.Field(
        column_name="organisation",
        attribute="organisation",
        widget=widgets.ForeignKeyWidget(Organisation, "slug"),
    )
    service_area = fields.Field(
        column_name="service_area",
        attribute="service_area",
        widget=widgets.ForeignKeyWidget(ServiceArea, "slug"),
    )
    support_needed = fields.Field(
        column_name="support_needed", attribute="support_needed", widget=SupportNeededWidget()
    )

    class Meta:
        model = Interest
        import_id_fields = ["survey", "organisation", "service_area"]
        fields = [
            "survey",
            "organisation",
            "service_area",
            "delivers",
            "co_governs",
            "involvement",
            "readiness",
            "volunteers_offered",
            "hours_per_week",
            "support_needed",
            "costs",
            "benefits",
            "concerns",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("survey", "organisation", "service_area")
