"""Project-wide pages: the start page, privacy notice, accessibility statement and health check."""

import datetime

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from surveys.selectors import dashboard, default_capacity_survey

from .access import OfficerRequiredMixin


class HomeView(TemplateView):
    template_name = "home.html"


class PrivacyView(TemplateView):
    template_name = "privacy.html"


class AccessibilityView(TemplateView):
    template_name = "accessibility.html"


@never_cache
def healthz(request):
    """Liveness and database check for load balancers: 200 when healthy, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unhealthy", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class DashboardView(OfficerRequiredMixin, TemplateView):
    template_name = "dashboard.html"

    def get_context_data(self, **kwargs):
        data = dashboard(
            survey=default_capacity_survey(),
            stale_before=timezone.now() - datetime.timedelta(days=365),
        )
        return super().get_context_data(data=data, **kwargs)
