from django.conf import settings

from .oidc import oidc_enabled, password_sign_in_allowed


def council(request):
    """The council's name and the service name, for every template."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "contact_email": settings.COUNCIL_CONTACT_EMAIL,
        "council_account_sign_in": oidc_enabled(),
        "password_sign_in": password_sign_in_allowed(),
    }
