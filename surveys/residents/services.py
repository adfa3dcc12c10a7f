"""Storing a resident's anonymous answers."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import ResidentResponse, ResidentServiceView
from ..submissions import first_send
from .selectors import RESIDENT_CHANNELS


@transaction.atomic
def resident_response_submit(*, survey, ward, age_band, answers, submission_key=None) -> ResidentResponse:
    """Store one resident's anonymous answers: the response and every service's view, or nothing.

    `answers` maps each ServiceArea to the resident's view of it and the ways of running it they
    would accept, e.g. {parks: ("willing", ["volunteers", "community_group"])}. The same form sent
    again (a double click, a retry) returns the response its first send stored: counted once.
    """
    earlier = first_send(ResidentResponse, submission_key)
    if earlier is not None:
        return earlier
    if not survey.is_open():
        raise ValidationError("This residents’ survey is not open.")
    if not answers:
        raise ValidationError("Answer at least one question before sending your answers.")
    asked = set(survey.covered_services().values_list("pk", flat=True))
    unknown = sorted(service.name for service in answers if service.pk not in asked)
    if unknown:
        raise ValidationError(f"This survey does not ask about {', '.join(unknown)}.")
    channel_fields = {value: name for value, name, _label in RESIDENT_CHANNELS}
    # Only the hour is kept, so an answer cannot be matched to a visit in the web server's logs.
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    response = ResidentResponse(
        survey=survey,
        ward=ward,
        age_band=age_band or "",
        submitted_at=max(hour, survey.opens_at),
        submission_key=submission_key,
    )
    # The round and the ward are records in hand, so their existence needs no query; the key is
    # unique in the database, which settles two sends at once where a check could not.
    response.full_clean(exclude=["survey", "ward", "submission_key"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        earlier = first_send(ResidentResponse, submission_key)
        if earlier is None:
            raise
        return earlier
    views = []
    for service, (view, channels) in answers.items():
        unknown_channels = set(channels) - set(channel_fields)
        if unknown_channels:
            listed = ", ".join(sorted(unknown_channels))
            raise ValidationError(f"Unknown ways of running a service: {listed}.")
        service_view = ResidentServiceView(
            response=response,
            service_area=service,
            view=view,
            **{name: value in channels for value, name in channel_fields.items()},
        )
        # The response was saved above, every service was checked against the round, and
        # `answers` is keyed by service: one view each. Checking that again would cost three
        # queries per service.
        service_view.full_clean(exclude=["response", "service_area"], validate_constraints=False)
        views.append(service_view)
    ResidentServiceView.objects.bulk_create(views)
    return response
