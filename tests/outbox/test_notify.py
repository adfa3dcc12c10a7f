"""GOV.UK Notify as the email backend, against a fake Notify API on loopback (never the real one)."""

import pytest
from django.core import mail
from django.db import transaction

from outbox.models import Email
from outbox.services import email_queue
from tests.conftest import run_outbox_worker
from tests.fakes import notify


@pytest.fixture
def fake_notify(settings):
    with notify.FakeNotify() as server:
        settings.EMAIL_BACKEND = "outbox.backends.NotifyEmailBackend"
        settings.NOTIFY_API_KEY = notify.API_KEY
        settings.NOTIFY_TEMPLATE_ID = notify.TEMPLATE_ID
        settings.NOTIFY_BASE_URL = server.url
        yield server


def _queue(to="ada@example.org"):
    with transaction.atomic():
        return email_queue(to=to, subject="Your link to update your group", body="Hello,\n\nLink", kind="t")


@pytest.mark.django_db
def test_an_email_goes_through_notify_with_its_subject_and_body_as_personalisation(fake_notify):
    email = _queue()
    run_outbox_worker()
    (sent,) = fake_notify.sent
    assert sent["email_address"] == "ada@example.org"
    assert sent["template_id"] == notify.TEMPLATE_ID
    assert sent["personalisation"] == {"subject": "Your link to update your group", "body": "Hello,\n\nLink"}
    assert sent["reference"] == f"email-{email.pk}"
    email.refresh_from_db()
    assert (email.status, email.provider_reference) == ("sent", sent["id"])
    assert mail.outbox == []


@pytest.mark.django_db
def test_notify_down_is_retried(fake_notify):
    fake_notify.fail_with = 500
    email = _queue()
    run_outbox_worker()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 1) and "500" in email.last_error
    assert fake_notify.sent == []


@pytest.mark.django_db
def test_an_email_notify_refuses_is_failed_at_once_not_retried(fake_notify):
    email = _queue(to="ada@example.org")
    Email.objects.filter(pk=email.pk).update(to="not-an-address")
    run_outbox_worker()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 1)
    assert "Not a valid email address" in email.last_error
    assert run_outbox_worker() == 0


@pytest.mark.django_db
def test_a_wrong_key_is_refused_by_notify_and_retried(fake_notify, settings):
    settings.NOTIFY_API_KEY = f"wrong-{notify.SERVICE_ID}-{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}"
    email = _queue()
    run_outbox_worker()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 1) and "403" in email.last_error
    assert fake_notify.refusals[0][0] == 403
