"""The outbox: emails are written with the change that causes them and sent by the worker, with
retries, so neither a mail server that is down nor a rolled-back change loses or duplicates one."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from organisations.models import Organisation
from outbox.models import Email
from outbox.services import email_queue, email_resend, outbox_retention_apply, outbox_retry, retry_delay
from tests.conftest import run_outbox_worker
from tests.fakes.mail import DOWN
from tests.surveys.registration.test_registration import ALL_PAGES, fill_in


def _time_passes(minutes):
    """Move every email's next try and every scheduled task `minutes` into the past."""
    earlier = datetime.timedelta(minutes=minutes)
    for email in Email.objects.all():
        Email.objects.filter(pk=email.pk).update(next_attempt_at=email.next_attempt_at - earlier)
    for task in DBTaskResult.objects.exclude(run_after=None):
        if task.run_after.year < 9999:
            DBTaskResult.objects.filter(pk=task.pk).update(run_after=task.run_after - earlier)


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = DOWN
    return settings


def test_retries_back_off_from_a_minute_to_an_hour():
    assert [retry_delay(n).total_seconds() / 60 for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.django_db
def test_a_rolled_back_change_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(to="ada@example.org", subject="Hello", body="Body", kind="test")
        raise RuntimeError("the change failed")
    assert (Email.objects.count(), DBTaskResult.objects.count()) == (0, 0)
    assert run_outbox_worker() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_a_registration_with_the_mail_server_down_is_saved_once_and_its_emails_go_when_it_is_back(
    client, borough, mail_down, settings
):
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]
    fill_in(client, ALL_PAGES)
    response = client.post(reverse("surveys:register_check"))
    assert response.status_code == 302 and response.url == reverse("surveys:register_done")
    assert Organisation.objects.filter(name="Friends of Riverside Park").count() == 1
    assert sorted(Email.objects.values_list("to", "status")) == [
        ("ada@example.org", "queued"),
        ("community.team@example.gov.uk", "queued"),
    ]

    run_outbox_worker()  # the mail server is down
    assert mail.outbox == []
    for email in Email.objects.all():
        assert (email.status, email.attempts) == ("queued", 1)
        assert "Connection refused" in email.last_error
        assert abs(
            (email.next_attempt_at - timezone.now()) - datetime.timedelta(minutes=1)
        ) < datetime.timedelta(seconds=30)
    assert run_outbox_worker() == 0  # nothing is tried again before its time

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    _time_passes(2)
    run_outbox_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "community.team@example.gov.uk"]
    assert set(Email.objects.values_list("status", "attempts")) == {("sent", 2)}
    assert run_outbox_worker() == 0 and len(mail.outbox) == 2  # sent once each


@pytest.mark.django_db
def test_an_approval_with_the_mail_server_down_succeeds_and_its_link_arrives_later(
    client, officer, borough, mail_down, settings
):
    pending = Organisation.objects.get(slug="pending")
    client.force_login(officer)
    response = client.post(
        reverse("surveys:moderation_registration", args=[pending.pk]), {"action": "approve"}
    )
    assert response.status_code == 302 and response.url == reverse("surveys:moderation")
    pending.refresh_from_db()
    assert pending.status == "approved"
    run_outbox_worker()
    assert mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _time_passes(2)
    run_outbox_worker()
    (email,) = mail.outbox
    assert email.to == [pending.contact_email] and "/update/" in email.body
    assert client.get(email.body.split(settings.SITE_URL, 1)[1].split()[0]).status_code == 200


@pytest.mark.django_db
def test_after_the_last_attempt_an_email_is_failed_shown_to_moderators_and_can_be_sent_again(
    client, officer, mail_down, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with transaction.atomic():
        email_queue(to="ada@example.org", subject="Your link", body="Body", kind="update_link")
    for _ in range(3):
        run_outbox_worker()
        _time_passes(120)
    email = Email.objects.get()
    assert (email.status, email.attempts) == ("failed", 3)
    assert run_outbox_worker() == 0

    client.force_login(officer)
    queue = client.get(reverse("surveys:moderation")).content.decode()
    assert "1 email could not be sent" in queue
    page = client.get(reverse("outbox:list") + "?status=failed").content.decode()
    assert "Your link" in page and "ada@example.org" in page and "Connection refused" in page
    assert "Failed (1)" in page and "Body" not in page  # bodies hold private links: never shown

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("outbox:resend", args=[email.pk]), {"status": "failed"})
    assert response.url == reverse("outbox:list") + "?status=failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 0)
    run_outbox_worker()
    email.refresh_from_db()
    assert email.status == "sent" and [m.to for m in mail.outbox] == [["ada@example.org"]]
    again = client.post(reverse("outbox:resend", args=[email.pk]), follow=True).content.decode()
    assert "has already been sent" in again and len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_daily_retry_sends_what_lost_its_task_and_what_failed_this_week(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with transaction.atomic():
        lost = email_queue(to="lost@example.org", subject="Lost", body="Body", kind="test")
        failed = email_queue(to="failed@example.org", subject="Failed", body="Body", kind="test")
        old = email_queue(to="old@example.org", subject="Old", body="Body", kind="test")
    DBTaskResult.objects.all().delete()  # as if the worker's tasks were lost
    Email.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(hours=1))
    Email.objects.filter(pk=failed.pk).update(status="failed", attempts=10)
    Email.objects.filter(pk=old.pk).update(
        status="failed", attempts=10, created_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert outbox_retry() == 2
    run_outbox_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["failed@example.org", "lost@example.org"]
    assert Email.objects.get(pk=old.pk).status == "failed"


@pytest.mark.django_db
def test_resending_a_sent_email_does_nothing(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with transaction.atomic():
        email = email_queue(to="ada@example.org", subject="Hi", body="Body", kind="test")
    run_outbox_worker()
    email_resend(email=email)
    assert run_outbox_worker() == 0 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_sent_emails_are_deleted_after_90_days_but_waiting_ones_are_kept():
    with transaction.atomic():
        sent = email_queue(to="a@example.org", subject="A", body="B", kind="test")
        waiting = email_queue(to="b@example.org", subject="A", body="B", kind="test")
    long_ago = timezone.now() - datetime.timedelta(days=91)
    Email.objects.filter(pk=sent.pk).update(status="sent", sent_at=long_ago, created_at=long_ago)
    Email.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    assert outbox_retention_apply() == 1
    assert list(Email.objects.values_list("pk", flat=True)) == [waiting.pk]


@pytest.mark.django_db
def test_healthz_reports_the_outbox_backlog(client, settings):
    with transaction.atomic():
        email_queue(to="a@example.org", subject="A", body="B", kind="test")
    assert client.get("/healthz").json()["outbox"]["status"] == "ok"  # just queued
    Email.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=30))
    body = client.get("/healthz").json()
    assert (body["status"], body["outbox"]["overdue"], body["outbox"]["status"]) == (
        "degraded",
        1,
        "attention",
    )
    assert client.get("/healthz?strict=1").status_code == 503
