"""Project-wide pages: the start page, privacy notice, accessibility statement and health check."""

import datetime
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
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


ERROR_HEADINGS = {
    403: "You do not have access to this page",
    404: "Page not found",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def error_page(status):
    """A designed error page that needs neither the database nor the session to render."""
    context = {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "contact_email": settings.COUNCIL_CONTACT_EMAIL,
        "heading": ERROR_HEADINGS[status],
    }
    return HttpResponse(render_to_string(f"{status}.html", context), status=status)


def page_not_found(request, exception):
    return render(request, "404.html", {"heading": ERROR_HEADINGS[404]}, status=404)


def permission_denied(request, exception):
    return render(request, "403.html", {"heading": ERROR_HEADINGS[403]}, status=403)


def server_error(request):
    # Called from inside Django's exception handling, so the exception is still at hand.
    return error_page(503 if isinstance(sys.exc_info()[1], DatabaseError) else 500)


class DatabaseUnavailableMiddleware:
    """Answer 503 with the designed page when the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return error_page(503)
        return None
