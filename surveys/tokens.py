"""Signed, expiring links that let a group's contact update its record without a password."""

import secrets

from django.core import signing

from organisations.models import Organisation

SALT = "capacity-map.update-link"
LINK_DAYS = 14


class LinkProblem(Exception):
    """Why a link cannot be used: 'invalid', 'expired' or 'used'."""


def update_token(organisation):
    """A token for the organisation's current link; the first one gives it a link nonce."""
    if not organisation.link_nonce:
        _set_nonce(organisation)
    return signing.dumps({"o": organisation.pk, "n": organisation.link_nonce}, salt=SALT, compress=True)


def organisation_for_token(token, *, max_age_days=LINK_DAYS):
    """The approved organisation a token is for, or LinkProblem."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age_days * 24 * 3600)
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    organisation = Organisation.objects.filter(pk=payload.get("o")).first()
    if organisation is None or organisation.status != Organisation.Status.APPROVED:
        raise LinkProblem("invalid")
    if not organisation.link_nonce or payload.get("n") != organisation.link_nonce:
        raise LinkProblem("used")
    return organisation


def retire_links(organisation):
    """Stop every link sent so far from working (before a new one is sent)."""
    _set_nonce(organisation)


def link_check(organisation, nonce):
    """LinkProblem('used') if the link carrying `nonce` no longer works; nothing is used up."""
    if not nonce or not Organisation.objects.filter(pk=organisation.pk, link_nonce=nonce).exists():
        raise LinkProblem("used")


def link_use(organisation, nonce):
    """Use up the link carrying `nonce`, once: LinkProblem('used') if it no longer works.

    One conditional UPDATE does the check and the change, so of several requests using the same
    link at once exactly one wins; the others wait for its row lock, then find the nonce gone.
    """
    new = secrets.token_hex(16)
    still_valid = Organisation.objects.filter(pk=organisation.pk, link_nonce=nonce)
    if not nonce or still_valid.update(link_nonce=new) != 1:
        raise LinkProblem("used")
    organisation.link_nonce = new


def _set_nonce(organisation):
    # A plain update: a new link is not a change to the group's record, so no history entry.
    organisation.link_nonce = secrets.token_hex(16)
    Organisation.objects.filter(pk=organisation.pk).update(link_nonce=organisation.link_nonce)
