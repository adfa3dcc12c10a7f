from import_export import fields, widgets

from capacity_map.imports import CouncilModelResource

from .models import Organisation, Ward


class WardResource(CouncilModelResource):
    """CSV/XLSX import and export of wards, keyed by GSS code."""

    class Meta:
        model = Ward
        import_id_fields = ["gss_code"]
        fields = ["gss_code", "name", "code_year"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class OrganisationResource(CouncilModelResource):
    """CSV/XLSX import and export of organisations, keyed by slug; wards by GSS code."""

    wards = fields.Field(
        column_name="wards",
        attribute="wards",
        widget=widgets.ManyToManyWidget(Ward, field="gss_code", separator="|"),
    )
    org_id = fields.Field(column_name="org_id", attribute="org_id", readonly=True)

    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "org_type",
            "org_id",
            "description",
            "charity_number",
            "charity_regulator",
            "company_number",
            "society_number",
            "borough_wide",
            "wards",
            "volunteers",
            "paid_staff",
            "income_band",
            "year_founded",
            "safeguarding_policy",
            "public_liability_insurance",
            "website",
            "public_email",
            "public_phone",
            "contact_name",
            "contact_email",
            "contact_phone",
            "postcode",
            "status",
            "status_reason",
            "consent_at",
            "last_confirmed_at",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
