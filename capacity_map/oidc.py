"""Staff sign-in with the council's own accounts (OpenID Connect, e.g. Microsoft Entra ID).

mozilla-django-oidc does the protocol: the authorisation code flow with PKCE, state and nonce,
the token exchange, the signature check against the provider's published keys, and the
session re-check (`SessionRecheckMiddleware`). This module adds what a council needs around it:
settings read on each use (so it is off until configured), the provider's endpoints from its
discovery document, the audience and issuer checks the library leaves out, and roles taken from
the provider's groups or app roles on every sign-in and every re-check.
"""

import base64
import hashlib
import logging

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)

METADATA_CACHE_SECONDS = 60 * 60
# The group `migrate` creates (surveys.officers.services.COUNCIL_OFFICERS; a test checks they agree). Named
# here because this project package imports no app.
COUNCIL_OFFICERS = "Council officers"


def oidc_enabled():
    return bool(getattr(settings, "OIDC_ENABLED", False))


def password_sign_in_allowed():
    """Passwords are the only way in without OIDC; with it they are break-glass, and may be off."""
    return not oidc_enabled() or settings.PASSWORD_SIGN_IN


def provider_metadata():
    """The provider's discovery document (endpoints and keys' address), cached for an hour."""
    issuer = settings.OIDC_ISSUER
    key = "oidc-metadata:" + hashlib.sha256(issuer.encode()).hexdigest()
    try:
        metadata = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not stop staff signing in
        logger.warning("Cache unreachable: reading the provider's discovery document again")
        metadata = None
    if metadata is None:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
        # OpenID Connect Discovery 1.0 s.4.3: the document must name the issuer it was asked for.
        if metadata.get("issuer") != issuer:
            raise ImproperlyConfigured(
                f"The provider at {issuer} says its issuer is {metadata.get('issuer')}."
            )
        try:
            cache.set(key, metadata, METADATA_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unreachable: the discovery document is not kept")
    return metadata


def roles_from_claims(claims):
    """(officer, admin) from the configured groups or app roles claim."""
    values = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    values = set(values)
    return bool(values & set(settings.OIDC_OFFICER_GROUPS)), bool(values & set(settings.OIDC_ADMIN_GROUPS))


@transaction.atomic
def user_update_from_claims(*, user, claims, officer, admin):
    """Officers are staff in the Council officers group; admins are superusers; others neither."""
    email = claims.get("email") or ""
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    user.email = email
    user.first_name = (claims.get("given_name") or claims.get("name") or "")[:150]
    user.last_name = (claims.get("family_name") or "")[:150]
    user.is_staff = officer or admin
    user.is_superuser = admin
    user.full_clean(exclude=["password", "username"])
    user.save()
    officers_group = Group.objects.get(name=COUNCIL_OFFICERS)
    if officer:
        user.groups.add(officers_group)
    else:
        user.groups.remove(officers_group)


class CouncilAccountBackend(OIDCAuthenticationBackend):
    """Signs staff in with the council's provider; their roles follow its groups each time."""

    def __init__(self, *args, **kwargs):
        # Settings are read when used, not here: this backend is listed even while OIDC is off.
        self.UserModel = auth.get_user_model()
        self.OIDC_RP_IDP_SIGN_KEY = None

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_metadata()["token_endpoint"])
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider_metadata()["userinfo_endpoint"])
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_metadata()["jwks_uri"])

    def authenticate(self, request, **kwargs):
        if not oidc_enabled() or request is None:
            return None
        if request.path != reverse("oidc_authentication_callback"):
            return None  # a password sign-in
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token, key):
        """The library checks the signature, algorithm and expiry; this adds audience and issuer."""
        try:
            payload = super().get_payload_data(token, key)
            jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                options={"require": ["exp", "iat", "aud", "iss", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (where Entra ID puts groups and roles) with the userinfo's."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 1.0 s.5.3.2: userinfo about another subject must not be used.
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo is about another subject.")
        return {**userinfo, **payload}

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_username(self, claims):
        # The provider's subject identifier is stable; an email address can be given to someone else.
        digest = hashlib.sha256(f"{settings.OIDC_ISSUER}|{claims['sub']}".encode()).digest()
        return "oidc-" + base64.b32encode(digest).decode()[:26].lower()

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self.get_username(claims))

    def create_user(self, claims):
        if not any(roles_from_claims(claims)):
            self._refuse_no_access()
        user = self.UserModel.objects.create_user(self.get_username(claims))  # no usable password
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        """Name, email and roles from the claims, saved even when they take every role away."""
        officer, admin = roles_from_claims(claims)
        user_update_from_claims(user=user, claims=claims, officer=officer, admin=admin)
        if not (officer or admin):
            self._refuse_no_access()
        return user

    def _refuse_no_access(self):
        self.request.oidc_no_access = True
        raise SuspiciousOperation("No Capacity Map role in the provider's claims.")

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class PasswordBackend(ModelBackend):
    """Username and password: everyone without OIDC; with it, administrators only (break-glass)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not password_sign_in_allowed():
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and (not oidc_enabled() or user.is_superuser)


class SignInStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the council's provider (404 while OIDC is off)."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_OP_AUTH_ENDPOINT = property(lambda self: provider_metadata()["authorization_endpoint"])

    def get(self, request):
        if not oidc_enabled():
            raise Http404("Sign-in with council accounts is not set up.")
        try:
            return super().get(request)
        except requests.RequestException as error:
            logger.warning("The council's sign-in provider could not be reached: %s", error)
            messages.error(
                request,
                f"The {settings.COUNCIL_NAME} sign-in service could not be reached. Try again in a few "
                "minutes; if it keeps happening, tell your IT service desk.",
            )
            return HttpResponseRedirect(reverse("login"))


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; any refusal signs the local session out."""

    @property
    def failure_url(self):
        return reverse("no_access") if getattr(self.request, "oidc_no_access", False) else reverse("login")

    def get(self, request):
        if not oidc_enabled():
            raise Http404("Sign-in with council accounts is not set up.")
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as error:
            # A replayed or unknown state, a refused token or a provider error: nobody signs in.
            logger.warning("Council account sign-in refused: %s", error)
            return self.login_failure()

    def login_failure(self):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        if not getattr(self.request, "oidc_no_access", False):
            messages.error(
                self.request,
                f"You are not signed in: your {settings.COUNCIL_NAME} account could not be confirmed. "
                "Sign in again.",
            )
        return HttpResponseRedirect(self.failure_url)


class NoAccessView(TemplateView):
    """For a council account with none of the groups or roles that open Capacity Map."""

    template_name = "registration/no_access.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 403
        return response


class SessionRecheckMiddleware(SessionRefresh):
    """Every OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS, the next page a council-account user opens first
    goes by the provider (silently, prompt=none): a disabled account or a removed group is locked
    out then. Does nothing while OIDC is off, or for password sign-ins."""

    def __init__(self, get_response):
        super(SessionRefresh, self).__init__(get_response)

    def get_settings(self, attr, *args):
        return getattr(settings, attr, *args)

    OIDC_EXEMPT_URLS = property(lambda self: [])
    OIDC_STATE_SIZE = property(lambda self: 32)
    OIDC_NONCE_SIZE = property(lambda self: 32)
    OIDC_USE_NONCE = property(lambda self: True)
    OIDC_AUTHENTICATION_CALLBACK_URL = property(lambda self: "oidc_authentication_callback")
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_SCOPES = property(lambda self: settings.OIDC_RP_SCOPES)
    OIDC_OP_AUTHORIZATION_ENDPOINT = property(lambda self: provider_metadata()["authorization_endpoint"])

    @property
    def exempt_urls(self):
        return {
            reverse(name)
            for name in ("oidc_authentication_init", "oidc_authentication_callback", "no_access")
        }

    def process_request(self, request):
        if not oidc_enabled():
            return None
        return super().process_request(request)


def axes_ignores_council_accounts(request, credentials):
    """django-axes guards the password route only: the provider guards its own sign-in."""
    return request is not None and request.path == reverse("oidc_authentication_callback")
