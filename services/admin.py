from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from capacity_map.imports import CouncilImportExportAdmin

from .models import ServiceArea, ServiceCategory
from .resources import ServiceAreaResource


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "service_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(service_count=Count("services"))

    @admin.display(description="services", ordering="service_count")
    def service_count(self, obj):
        return obj.service_count


@admin.register(ServiceArea)
class ServiceAreaAdmin(CouncilImportExportAdmin, SimpleHistoryAdmin):
    resource_classes = [ServiceAreaResource]
    list_display = [
        "name",
        "category",
        "lgsl_code",
        "risk_tier",
        "statutory",
        "current_delivery",
        "open_to_interest",
    ]
    list_filter = ["category", "risk_tier", "statutory", "current_delivery", "open_to_interest"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "description", "=lgsl_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "description"]}),
        ("Classification", {"fields": ["lgsl_code", "risk_tier", "statutory", "current_delivery"]}),
        ("Community involvement", {"fields": ["open_to_interest"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
