from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from capacity_map.imports import CouncilImportExportAdmin
from organisations.admin import OrganisationAdmin
from organisations.models import Organisation

from .models import (
    Assessment,
    Interest,
    OrganisationUpdate,
    ResidentResponse,
    ResidentServiceView,
    Survey,
)
from .moderation.services import registration_approve, registration_reject
from .resources import InterestResource


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "opens_at", "closes_at", "is_open_now", "response_count"]
    list_filter = ["kind"]
    search_fields = ["title", "slug", "introduction"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["services"]
    date_hierarchy = "opens_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                interest_count=Count(
                    "interests", filter=Q(interests__withdrawn_at__isnull=True), distinct=True
                ),
                response_count=Count("resident_responses", distinct=True),
            )
        )

    @admin.display(description="open now", boolean=True)
    def is_open_now(self, obj):
        return obj.is_open(timezone.now())

    @admin.display(description="interests / responses")
    def response_count(self, obj):
        if obj.kind == Survey.Kind.ORGANISATION_CAPACITY:
            return f"{obj.interest_count} interests"
        return f"{obj.response_count} responses"


class InterestInline(admin.TabularInline):
    model = Interest
    extra = 0
    fields = ["survey", "service_area", "delivers", "co_governs", "involvement", "readiness"]
    autocomplete_fields = ["service_area"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("survey", "service_area")


# Organisations know nothing of surveys, so the interests inline is added from this side.
admin.site.unregister(Organisation)


@admin.register(Organisation)
class OrganisationWithInterestsAdmin(OrganisationAdmin):
    inlines = [InterestInline]
    approve_with = staticmethod(registration_approve)
    reject_with = staticmethod(registration_reject)


@admin.register(Interest)
class InterestAdmin(CouncilImportExportAdmin, SimpleHistoryAdmin):
    resource_classes = [InterestResource]
    list_display = [
        "organisation",
        "service_area",
        "survey",
        "delivers",
        "co_governs",
        "involvement",
        "readiness",
        "volunteers_offered",
        "withdrawn_at",
    ]
    list_filter = [
        "survey",
        "withdrawn_at",
        "readiness",
        "involvement",
        "delivers",
        "co_governs",
        "service_area__category",
        "service_area__risk_tier",
        "organisation__status",
    ]
    list_select_related = ["organisation", "service_area", "survey"]
    search_fields = ["organisation__name", "service_area__name", "costs", "benefits", "concerns"]
    autocomplete_fields = ["organisation", "service_area"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "interest",
        "recommendation",
        "risk_rating",
        "estimated_cost",
        "estimated_saving",
        "author",
        "updated_at",
    ]
    list_filter = ["recommendation", "risk_rating", "interest__survey", "interest__service_area__category"]
    list_select_related = [
        "interest__organisation",
        "interest__service_area",
        "interest__survey",
        "author",
    ]
    search_fields = [
        "interest__organisation__name",
        "interest__service_area__name",
        "notes",
        "risks",
        "social_value",
    ]
    raw_id_fields = ["interest"]
    readonly_fields = ["author", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


class ResidentServiceViewInline(admin.TabularInline):
    model = ResidentServiceView
    extra = 0
    autocomplete_fields = ["service_area"]


@admin.register(ResidentResponse)
class ResidentResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "survey", "ward", "age_band", "submitted_at", "view_count"]
    list_filter = ["survey", "age_band", "ward"]
    list_select_related = ["survey", "ward"]
    search_fields = ["=id", "ward__name", "ward__gss_code"]
    date_hierarchy = "submitted_at"
    inlines = [ResidentServiceViewInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(view_count=Count("views"))

    @admin.display(description="services answered", ordering="view_count")
    def view_count(self, obj):
        return obj.view_count


@admin.register(ResidentServiceView)
class ResidentServiceViewAdmin(admin.ModelAdmin):
    list_display = [
        "response",
        "service_area",
        "view",
        "accepts_volunteers",
        "accepts_community_group",
        "accepts_social_enterprise",
        "accepts_mutual",
    ]
    list_filter = ["view", "response__survey", "service_area__category", "service_area__risk_tier"]
    list_select_related = ["response__survey", "service_area"]
    search_fields = ["service_area__name", "=response__id"]
    raw_id_fields = ["response"]
    autocomplete_fields = ["service_area"]


@admin.register(OrganisationUpdate)
class OrganisationUpdateAdmin(admin.ModelAdmin):
    list_display = ["organisation", "status", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "survey"]
    list_select_related = ["organisation", "reviewed_by"]
    search_fields = ["organisation__name", "reason"]
    readonly_fields = [
        "organisation",
        "survey",
        "answers",
        "status",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    ]

    def has_add_permission(self, request):
        # Updates come from groups through their links; moderators decide them on /moderation/.
        return False
