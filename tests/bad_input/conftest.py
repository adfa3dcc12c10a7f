"""Fixtures of the bad-input tests."""

import datetime

import pytest
from django.utils import timezone

from organisations.models import Organisation
from surveys.models import Survey
from surveys.tokens import update_token


@pytest.fixture
def public_forms(settings):
    """Room for many submissions from one address, and moderators to email about each one."""
    settings.RATE_LIMIT_SUBMISSIONS = 10_000
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]


@pytest.fixture
def linked_group(borough):
    friends = borough["friends"]
    Organisation.objects.filter(pk=friends.pk).update(
        consent_at=friends.created_at, contact_name="Ada Lovelace", contact_email="ada@example.org"
    )
    friends.refresh_from_db()
    pending = Organisation.objects.get(slug="pending")
    return {"group": friends, "valid": update_token(friends), "pending": update_token(pending)}


@pytest.fixture
def residents_round(borough, make_survey):
    now = timezone.now()
    return make_survey(
        slug="residents-2026",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=25),
    )
