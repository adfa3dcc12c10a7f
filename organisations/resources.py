from django.core.exceptions import ValidationError
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


# Contact details that leave the system only with the export_personal_data permission.
PERSONAL_DATA_FIELDS = ["contact_name", "contact_email", "contact_phone", "postcode"]

# Set only by moderation (which emails the group and records who decided), by the group's own
# registration and update links, or by the system: an import may show them but never write them.
NEVER_IMPORTED = [
    "status",
    "status_reason",
    "reviewed_by",
    "reviewed_at",
    "link_nonce",
    "submission_key",
    "freshness_reminder_sent_at",
    "last_confirmed_at",
    "consent_at",
    "erasure_requested_at",
]

STATUS_REFUSED = (
    "An import cannot approve, reject or archive an organisation. Leave the status as it is "
    "({current}) or delete the status column, then use the actions on the list of organisations "
    "to approve, reject or archive it."
)


class OrganisationResource(CouncilModelResource):
    """CSV/XLSX import and export of organisations, keyed by slug; wards by GSS code.

    New organisations are imported pending review and existing ones keep their status.
    """

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
            *PERSONAL_DATA_FIELDS,
            "status",
            "status_reason",
            "consent_at",
            "last_confirmed_at",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        return super().field_from_django_field(
            field_name, django_field, readonly or field_name in NEVER_IMPORTED
        )

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.status = Organisation.Status.PENDING

    def import_instance(self, instance, row, **kwargs):
        # A status column is welcome (an export has one) as long as it says what the record
        # already says; a file that would change it is refused rather than quietly ignored.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        given = str(row.get("status") or "").strip().lower()
        if given and given not in {instance.status, instance.get_status_display().lower()}:
            message = STATUS_REFUSED.format(current=instance.get_status_display().lower())
            errors.setdefault("status", []).append(ValidationError(message, code="status_by_import"))
        if errors:
            raise ValidationError(errors)


class OrganisationWithoutContactDetailsResource(OrganisationResource):
    """The organisations export for those without permission to export contact details."""

    class Meta(OrganisationResource.Meta):
        name = "Organisations without contact details"
        fields = [column for column in OrganisationResource.Meta.fields if column not in PERSONAL_DATA_FIELDS]
        export_order = fields
