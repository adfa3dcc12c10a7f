"""The retention periods in the privacy notice are carried out by `manage.py apply_retention`."""

import datetime
from io import StringIO

import pytest
from axes.models import AccessLog
from django.core.management import call_command
from django.utils import timezone

from organisations.models import Organisation
from surveys.models import OrganisationUpdate, ResidentResponse, Survey

NOW = timezone.now()


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


@pytest.mark.django_db
def test_retention_removes_only_what_has_expired(
    borough, make_organisation, make_survey, make_resident_response
):
    old_archived = make_organisation(
        name="Old archived",
        status="archived",
        reviewed_at=days_ago(400),
        contact_name="Ada",
        contact_phone="01632 960001",
    )
    recent_rejected = make_organisation(
        name="Recent", status="rejected", status_reason="No", reviewed_at=days_ago(30)
    )
    approved = borough["friends"]
    old_round = make_survey(
        kind=Survey.Kind.RESIDENT_VIEWS, opens_at=days_ago(1300), closes_at=days_ago(1200)
    )
    new_round = make_survey(kind=Survey.Kind.RESIDENT_VIEWS, opens_at=days_ago(100), closes_at=days_ago(50))
    make_resident_response({borough["parks"]: "willing"}, survey=old_round)
    kept_response = make_resident_response({borough["parks"]: "uneasy"}, survey=new_round)
    OrganisationUpdate.objects.create(
        organisation=approved, answers={}, status="accepted", reviewed_at=days_ago(400)
    )
    pending_update = OrganisationUpdate.objects.create(organisation=approved, answers={})
    old_log = AccessLog.objects.create(
        username="x", ip_address="192.0.2.1", user_agent="t", http_accept="*", path_info="/"
    )
    AccessLog.objects.filter(pk=old_log.pk).update(attempt_time=days_ago(100))
    AccessLog.objects.create(
        username="y", ip_address="192.0.2.2", user_agent="t", http_accept="*", path_info="/"
    )

    out = StringIO()
    call_command("apply_retention", stdout=out)

    old_archived.refresh_from_db()
    assert (old_archived.contact_email, old_archived.contact_name, old_archived.contact_phone) == ("", "", "")
    assert not old_archived.history.exclude(contact_email="").exists()
    assert Organisation.objects.get(pk=recent_rejected.pk).contact_email != ""
    assert Organisation.objects.get(pk=approved.pk).contact_email != ""
    assert list(ResidentResponse.objects.all()) == [kept_response]
    assert list(OrganisationUpdate.objects.all()) == [pending_update]
    assert AccessLog.objects.count() == 1
    report = out.getvalue()
    assert "contact details removed: 1" in report and "resident responses deleted: 1" in report
    # Running it again removes nothing more.
    again = StringIO()
    call_command("apply_retention", stdout=again)
    assert "contact details removed: 0" in again.getvalue()
