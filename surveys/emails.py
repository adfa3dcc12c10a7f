"""Emails to groups and moderators. Each is put in the outbox (outbox/) in the same transaction as
the change that causes it, and the task worker sends it: a request never waits on the mail server."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from outbox.services import email_queue

from .models import OrganisationUpdate
from .tokens import LINK_DAYS, update_token


def _send(template, to, context):
    context = {
        **context,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    body = render_to_string(f"emails/{template}.txt", context)
    for address in dict.fromkeys(address for address in to if address):
        email_queue(
            to=address, subject=subject, body=body, kind=template, organisation=context.get("organisation")
        )


def moderator_addresses():
    if settings.MODERATOR_EMAILS:
        return list(settings.MODERATOR_EMAILS)
    users = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")
    return list(users.values_list("email", flat=True))


def update_link(organisation):
    return settings.SITE_URL + reverse("surveys:update", args=[update_token(organisation)])


def registration_received(organisation, *, interests, possible_duplicate):
    context = {"organisation": organisation, "interests": interests}
    _send("registration_received", [organisation.contact_email], context)
    _send(
        "moderator_new_registration",
        moderator_addresses(),
        {
            **context,
            "possible_duplicate": possible_duplicate,
            "review_url": settings.SITE_URL
            + reverse("surveys:moderation_registration", args=[organisation.pk]),
        },
    )


def registration_approved(organisation):
    _send(
        "registration_approved",
        [organisation.contact_email],
        {"organisation": organisation, "link": update_link(organisation), "link_days": LINK_DAYS},
    )


def registration_rejected(organisation):
    _send("registration_rejected", [organisation.contact_email], {"organisation": organisation})


def link_requested(organisation):
    _send(
        "update_link",
        [organisation.contact_email],
        {"organisation": organisation, "link": update_link(organisation), "link_days": LINK_DAYS},
    )


def update_received(update):
    _send(
        "moderator_update",
        moderator_addresses(),
        {
            "organisation": update.organisation,
            "review_url": settings.SITE_URL + reverse("surveys:moderation_update", args=[update.pk]),
        },
    )


def update_decided(update):
    template = "update_accepted" if update.status == OrganisationUpdate.Status.ACCEPTED else "update_rejected"
    _send(
        template,
        [update.organisation.contact_email],
        {
            "organisation": update.organisation,
            "update": update,
            "link": update_link(update.organisation),
            "link_days": LINK_DAYS,
        },
    )


def erasure_requested(organisation):
    _send(
        "moderator_erasure",
        moderator_addresses(),
        {
            "organisation": organisation,
            "review_url": settings.SITE_URL
            + reverse("surveys:moderation_registration", args=[organisation.pk]),
        },
    )


def freshness_reminder(organisation):
    _send(
        "freshness_reminder",
        [organisation.contact_email],
        {"organisation": organisation, "link": update_link(organisation), "link_days": LINK_DAYS},
    )
