"""The one daily job, and the freshness reminder it sends."""

import datetime
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from organisations.models import Organisation
from outbox.models import Email
from surveys.registration.services import freshness_reminders_send
from tests.conftest import run_outbox_worker

DAY = datetime.timedelta(days=1)


@pytest.fixture
def groups(make_organisation):
    now = timezone.now()
    stale = make_organisation(name="Stale Group", last_confirmed_at=now - 336 * DAY)
    fresh = make_organisation(name="Fresh Group", last_confirmed_at=now - 334 * DAY)
    never = make_organisation(name="Never Confirmed", reviewed_at=now - 400 * DAY)
    pending = make_organisation(name="Pending Group", status="pending", reviewed_at=None)
    Organisation.objects.filter(pk=pending.pk).update(created_at=now - 400 * DAY)
    return {"stale": stale, "fresh": fresh, "never": never, "pending": pending}


@pytest.mark.django_db
def test_a_group_not_confirmed_for_11_months_is_emailed_a_fresh_link_once(
    groups, client, settings, mailoutbox
):
    old_token_group = groups["stale"]
    from surveys.tokens import update_token

    old_link = "/update/" + update_token(old_token_group) + "/"
    assert client.get(old_link).status_code == 200

    assert freshness_reminders_send() == 2
    assert sorted(Email.objects.values_list("organisation__name", flat=True)) == [
        "Never Confirmed",
        "Stale Group",
    ]
    assert freshness_reminders_send() == 0  # once
    run_outbox_worker()
    stale_email = next(m for m in mailoutbox if m.to == [groups["stale"].contact_email])
    assert "Please check Stale Group's answers" in stale_email.subject
    new_link = stale_email.body.split(settings.SITE_URL, 1)[1].split()[0]
    assert client.get(old_link).status_code == 410  # the earlier link no longer works
    assert client.get(new_link).status_code == 200

    # Confirming starts the clock again; 11 months later it is reminded again.
    later = timezone.now() + 336 * DAY
    Organisation.objects.filter(pk=groups["stale"].pk).update(last_confirmed_at=timezone.now())
    assert freshness_reminders_send(now=later) == 2  # Stale Group again, and Fresh Group now


@pytest.mark.django_db
def test_the_daily_job_runs_every_part(groups, settings):
    expired = SessionStore()
    expired["registration"] = {"contact": {"contact_email": ["gone@example.org"]}}
    expired.set_expiry(-60)
    expired.create()
    live = SessionStore()
    live["x"] = 1
    live.create()
    out = StringIO()
    call_command("run_daily_jobs", stdout=out)
    text = out.getvalue()
    for line in (
        "contact details removed: 0",
        "expired sessions deleted",
        "emails queued again: 0",
        "worker results deleted: 0",
        "freshness reminders sent: 2",
    ):
        assert line in text
    assert not SessionStore().exists(expired.session_key)
    assert SessionStore().exists(live.session_key)
