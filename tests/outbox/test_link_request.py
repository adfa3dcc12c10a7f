"""Asking for a new link reveals nothing about which addresses are registered (fault 10)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outbox.models import Email
from tests.conftest import run_outbox_worker
from tests.fakes.mail import DOWN


def _shape(queries):
    """The statements run, with their values taken out."""
    return [re.sub(r"'[^']*'|\"[^\"]*_x\d+\"|\b\d+(\.\d+)?\b", "?", query["sql"]) for query in queries]


@pytest.mark.django_db
@pytest.mark.parametrize("mail_server", ["up", "down"])
def test_a_known_and_an_unknown_address_get_the_same_answer_from_the_same_work(
    client, borough, settings, mail_server, mailoutbox
):
    if mail_server == "down":
        settings.EMAIL_BACKEND = DOWN
    url = reverse("surveys:update_request")
    known_address = borough["friends"].contact_email
    client.get(url)  # the session and anything else a first visit sets up
    with CaptureQueriesContext(connection) as known_queries:
        known = client.post(url, {"email": known_address})
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = client.post(url, {"email": "nobody-here@example.org"})

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, "/update/requested/")
    assert known.content == unknown.content
    assert _shape(known_queries) == _shape(unknown_queries)
    assert Email.objects.count() == 0  # the lookup happens in the worker, not in the request

    run_outbox_worker()
    assert list(Email.objects.values_list("to", flat=True)) == [known_address]
    if mail_server == "up":
        assert [m.to for m in mailoutbox] == [[known_address]]
