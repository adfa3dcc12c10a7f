from import_export import fields, widgets

from capacity_map.imports import CouncilModelResource

from .models import ServiceArea, ServiceCategory


class ServiceAreaResource(CouncilModelResource):
    """CSV/XLSX import and export of service areas, keyed by slug; category by its slug."""

    category = fields.Field(
        column_name="category",
        attribute="category",
        widget=widgets.ForeignKeyWidget(ServiceCategory, field="slug"),
    )

    class Meta:
        model = ServiceArea
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "category",
            "description",
            "lgsl_code",
            "risk_tier",
            "statutory",
            "current_delivery",
            "open_to_interest",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
