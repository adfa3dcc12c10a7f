from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from capacity_map.imports import CouncilImportExportAdmin

from . import services
from .forms import ReasonForm
from .models import Organisation, Ward
from .resources import OrganisationResource, OrganisationWithoutContactDetailsResource, WardResource


@admin.register(Ward)
class WardAdmin(CouncilImportExportAdmin):
    resource_classes = [WardResource]
    list_display = ["name", "gss_code", "code_year", "organisation_count"]
    list_filter = ["code_year"]
    search_fields = ["name", "gss_code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(organisation_count=Count("organisations"))

    @admin.display(description="organisations", ordering="organisation_count")
    def organisation_count(self, obj):
        return obj.organisation_count


@admin.register(Organisation)
class OrganisationAdmin(CouncilImportExportAdmin, SimpleHistoryAdmin):
    resource_classes = [OrganisationResource]
    list_display = [
        "name",
        "org_type",
        "org_id",
        "status",
        "borough_wide",
        "last_confirmed_at",
        "created_at",
    ]
    list_filter = [
        "status",
        "org_type",
        "borough_wide",
        "income_band",
        "charity_regulator",
        "safeguarding_policy",
        "public_liability_insurance",
        "wards",
    ]
    search_fields = [
        "name",
        "slug",
        "description",
        "charity_number",
        "company_number",
        "society_number",
        "contact_name",
        "contact_email",
        "postcode",
    ]
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["wards"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "org_id",
        "status",
        "status_reason",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    actions = ["approve", "reject", "archive"]
    # The surveys app swaps in versions that also email the group.
    approve_with = staticmethod(services.organisation_approve)
    reject_with = staticmethod(services.organisation_reject)
    fieldsets = [
        (None, {"fields": ["name", "slug", "org_type", "description"]}),
        (
            "Registration",
            {
                "fields": [
                    "org_id",
                    ("charity_number", "charity_regulator"),
                    "company_number",
                    "society_number",
                ]
            },
        ),
        ("Where it works", {"fields": ["borough_wide", "wards"]}),
        (
            "Size and safeguards",
            {
                "fields": [
                    "volunteers",
                    "paid_staff",
                    "income_band",
                    "year_founded",
                    "safeguarding_policy",
                    "public_liability_insurance",
                ]
            },
        ),
        ("Public contact details", {"fields": ["website", "public_email", "public_phone"]}),
        (
            "Private contact details (never public)",
            {
                "fields": [
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "postcode",
                ]
            },
        ),
        (
            "Moderation",
            {
                "description": "Change the status with the actions on the list of organisations.",
                "fields": [
                    "status",
                    "status_reason",
                    "reviewed_by",
                    "reviewed_at",
                    "consent_at",
                    "last_confirmed_at",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    @admin.display(description="org-id")
    def org_id(self, obj):
        return obj.org_id

    def get_export_resource_classes(self, request):
        if request.user.has_perm("organisations.export_personal_data"):
            return [OrganisationResource]
        return [OrganisationWithoutContactDetailsResource]

    def _apply(self, request, queryset, decide, verb, **kwargs):
        done, failed = 0, []
        for organisation in queryset:
            try:
                decide(organisation=organisation, reviewer=request.user, **kwargs)
                done += 1
            except ValidationError as error:
                failed.append(f"{organisation}: {'; '.join(error.messages)}")
        if done:
            self.message_user(request, f"{verb} {done} organisation{'s' if done != 1 else ''}.")
        for failure in failed:
            self.message_user(request, failure, level=messages.ERROR)

    @admin.action(description="Approve selected organisations", permissions=["change"])
    def approve(self, request, queryset):
        self._apply(request, queryset, self.approve_with, "Approved")

    @admin.action(description="Archive selected organisations", permissions=["change"])
    def archive(self, request, queryset):
        self._apply(request, queryset, services.organisation_archive, "Archived")

    @admin.action(description="Reject selected organisations (with a reason)", permissions=["change"])
    def reject(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._apply(
                request,
                queryset,
                self.reject_with,
                "Rejected",
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject organisations",
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/organisations/organisation/reject.html", context)
