from django.conf import settings


def council(request):
    """The council's name and the service name, for every template."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "contact_email": settings.COUNCIL_CONTACT_EMAIL,
    }
