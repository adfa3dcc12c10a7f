from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from surveys.officers.views import DashboardView
from surveys.urls import organisation_urlpatterns, service_urlpatterns

from . import oidc, views
from .forms import LoginForm

admin.site.site_header = f"{settings.COUNCIL_NAME}: {settings.SERVICE_NAME} admin"
admin.site.site_title = f"{settings.SERVICE_NAME} admin"
admin.site.index_title = "Curate services, organisations and surveys"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("moderation/emails/", include("outbox.urls")),
    path("", include("surveys.urls")),
    path("services/", include(service_urlpatterns)),
    path("organisations/", include(organisation_urlpatterns)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Sign-in with the council's own accounts (OpenID Connect); 404 while it is not configured.
    # The names are mozilla-django-oidc's own, which it reverses.
    path("oidc/authenticate/", oidc.SignInStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.SignInCallbackView.as_view(), name="oidc_authentication_callback"),
    path("accounts/no-access/", oidc.NoAccessView.as_view(), name="no_access"),
    path("admin/", admin.site.urls),
]

handler403 = "capacity_map.views.permission_denied"
handler404 = "capacity_map.views.page_not_found"
handler500 = "capacity_map.views.server_error"
