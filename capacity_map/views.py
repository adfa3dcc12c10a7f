"""Project-wide pages: the start page, privacy notice, accessibility statement and health check."""

import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "home.html"


class PrivacyView(TemplateView):
    template_name = "privacy.html"


class AccessibilityView(TemplateView):
    template_name = "accessibility.html"


def _database_check():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return "ok"


def _cache_check():
    key = f"healthz:{get_random_string(12)}"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # noqa: BLE001 - any fault of the cache server
        return "unreachable"
    return "ok" if ok else "not storing"


@never_cache
def healthz(request):
    """Each dependency's state, for load balancers and monitoring.

    503 when the database is unreachable (this instance can do nothing). A cache fault or an
    outbox backlog leaves the public pages working, so the load balancer should keep sending
    traffic: those make the status "degraded" with 200, and 503 only with ?strict=1, which is
    what monitoring should poll.
    """
    checks = {"database": _database_check()}
    if checks["database"] != "ok":
        return JsonResponse({"status": "unhealthy", **checks}, status=503)
    checks["cache"] = _cache_check()
    # The apps' own checks (settings.HEALTH_CHECKS), so this project package imports no app.
    for name, path in settings.HEALTH_CHECKS.items():
        try:
            checks[name] = import_string(path)()
        except DatabaseError:
            checks[name] = {"status": "unknown"}
    healthy = checks["cache"] == "ok" and all(
        checks[name]["status"] == "ok" for name in settings.HEALTH_CHECKS
    )
    status = 200 if healthy or not request.GET.get("strict") else 503
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=status)


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
