"""The real task worker, in its own process, against a real SMTP server on loopback.

With the mail server stopped, a registration, an approval and a link request all succeed for
the user; the worker's first tries fail; once the mail server starts, every email arrives, once.
"""

import email as email_parser
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.urls import reverse

from organisations.models import Organisation
from outbox.models import Email
from tests.surveys.registration.test_registration import ALL_PAGES, fill_in

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker runs in its own process, which needs a database server (SQLite tests are in memory)",
)

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email_parser.message_from_bytes(envelope.content)
        self.messages.append(
            (envelope.rcpt_tos, message["Subject"], message.get_payload(decode=True).decode())
        )
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition, *, seconds=60, what=""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_stopped_nothing_fails_and_every_email_arrives_once_it_starts(
    client, borough, officer, settings
):
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]
    port = _free_port()  # nothing listens here yet: the mail server is stopped
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port

    fill_in(client, ALL_PAGES)
    assert client.post(reverse("surveys:register_check")).url == reverse("surveys:register_done")
    registered = Organisation.objects.get(name="Friends of Riverside Park")
    client.force_login(officer)
    pending = Organisation.objects.get(slug="pending")
    approval = client.post(
        reverse("surveys:moderation_registration", args=[pending.pk]), {"action": "approve"}
    )
    assert approval.url == reverse("surveys:moderation")
    client.logout()
    link_request = client.post(reverse("surveys:update_request"), {"email": borough["friends"].contact_email})
    assert link_request.url == reverse("surveys:update_requested")

    worker = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_TESTING": "1",
            "DATABASE_URL": _database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_TIMEOUT": "2",
            "OUTBOX_FIRST_RETRY_SECONDS": "1",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    try:
        _wait_for(lambda: Email.objects.count() >= 4, what="the link request's email")
        _wait_for(
            lambda: not Email.objects.filter(attempts=0).exists(),
            what="the worker to try every email while the mail server is down",
        )
        assert not Email.objects.filter(status="sent").exists()
        assert set(Email.objects.values_list("status", flat=True)) == {"queued"}
        smtp.start()  # the mail server comes back
        _wait_for(
            lambda: set(Email.objects.values_list("status", flat=True)) == {"sent"},
            seconds=90,
            what="every email to be sent",
        )
    finally:
        if smtp._thread is not None:
            time.sleep(0.5)
            smtp.stop()
        worker.terminate()
        _, errors = worker.communicate(timeout=30)
    recipients = sorted(to for tos, _subject, _body in inbox.messages for to in tos)
    assert recipients == sorted(
        [
            registered.contact_email,  # acknowledgement
            "community.team@example.gov.uk",  # moderators' notice
            pending.contact_email,  # approval with its link
            borough["friends"].contact_email,  # the requested link
        ]
    ), errors.decode()[-3000:]
    approved_body = next(body for tos, _s, body in inbox.messages if tos == [pending.contact_email])
    assert "/update/" in approved_body
