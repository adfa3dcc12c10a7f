"""Which round: the one taking answers now, the next one, the one pages show by default."""

from django.utils import timezone

from services.models import ServiceArea

from .models import Survey


def open_capacity_survey(when=None):
    """The organisation-capacity round taking interests now, if any."""
    return Survey.objects.organisation_capacity().open_at(when).latest_first().first()


def next_capacity_survey(when=None):
    """The next organisation-capacity round to open, if one is planned."""
    return (
        Survey.objects.organisation_capacity()
        .filter(opens_at__gt=when or timezone.now())
        .order_by("opens_at")
        .first()
    )


def services_for_round(survey):
    """The services a round asks about, in the order pages show them."""
    if survey is None:
        return ServiceArea.objects.none()
    return survey.covered_services().in_display_order()


def default_capacity_survey():
    """The latest organisation-capacity round that has opened (a future round waits)."""
    return latest_opened(Survey.objects.organisation_capacity().latest_first())


def latest_opened(rounds, when=None):
    """From rounds newest first, the first that has opened; else the oldest one listed."""
    when = when or timezone.now()
    rounds = list(rounds)
    return next((r for r in rounds if r.opens_at <= when), rounds[-1] if rounds else None)


def open_resident_survey(when=None):
    """The residents' views round taking answers now, if any."""
    return Survey.objects.resident_views().open_at(when).latest_first().first()
