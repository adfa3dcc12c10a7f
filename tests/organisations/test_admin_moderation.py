import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from organisations.models import Organisation
from tests.conftest import run_outbox_worker

CHANGELIST = reverse("admin:organisations_organisation_changelist")


def _act(client, action, organisations, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in organisations], **extra}
    return client.post(CHANGELIST, data, follow=True)


@pytest.mark.django_db
def test_approve_writes_status_reviewer_time_and_history(admin_client_, admin_user_, make_organisation):
    first, second = make_organisation(status="pending"), make_organisation(status="pending")
    response = _act(admin_client_, "approve", [first, second])
    assert "Approved 2 organisations." in response.content.decode()
    for group in (first, second):
        group.refresh_from_db()
        assert group.status == Organisation.Status.APPROVED
        assert group.reviewed_by == admin_user_
        assert group.reviewed_at is not None
        latest = group.history.first()
        assert latest.status == "approved"
        assert latest.history_change_reason == "Approved"
        assert latest.history_user == admin_user_


@pytest.mark.django_db
def test_reject_asks_for_a_reason_first(admin_client_, make_organisation):
    group = make_organisation(status="pending")
    response = _act(admin_client_, "reject", [group])
    page = response.content.decode()
    assert "Reason for rejecting" in page
    assert group.name in page
    group.refresh_from_db()
    assert group.status == "pending"


@pytest.mark.django_db
def test_reject_without_a_reason_is_refused(admin_client_, make_organisation):
    group = make_organisation(status="pending")
    response = _act(admin_client_, "reject", [group], apply="Reject", reason="   ")
    # The same reason form, and words, as the moderation pages.
    assert "Enter a reason; it is emailed to the group" in response.content.decode()
    group.refresh_from_db()
    assert group.status == "pending"
    assert group.reviewed_at is None


@pytest.mark.django_db
def test_reject_with_a_reason_records_it(admin_client_, admin_user_, make_organisation):
    group = make_organisation(status="pending")
    response = _act(admin_client_, "reject", [group], apply="Reject", reason="Not based in the borough.")
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert "Rejected 1 organisation." in response.content.decode()
    group.refresh_from_db()
    assert (group.status, group.status_reason, group.reviewed_by) == (
        "rejected",
        "Not based in the borough.",
        admin_user_,
    )
    assert group.history.first().history_change_reason == "Rejected: Not based in the borough."


@pytest.mark.django_db
def test_admin_decisions_email_the_group(
    admin_client_, make_organisation, django_capture_on_commit_callbacks
):
    from django.core import mail

    approved, rejected = make_organisation(status="pending"), make_organisation(status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        _act(admin_client_, "approve", [approved])
        _act(admin_client_, "reject", [rejected], apply="Reject", reason="Outside the borough.")
    run_outbox_worker()
    assert [m.to for m in mail.outbox] == [[approved.contact_email], [rejected.contact_email]]
    assert "/update/" in mail.outbox[0].body
    assert "Outside the borough." in mail.outbox[1].body


@pytest.mark.django_db
def test_archive(admin_client_, make_organisation):
    group = make_organisation(status="approved")
    _act(admin_client_, "archive", [group])
    group.refresh_from_db()
    assert group.status == "archived"
    assert group.reviewed_at is not None


@pytest.mark.django_db
def test_officers_cannot_moderate_in_the_admin(client, officer, make_organisation):
    group = make_organisation(status="pending")
    client.force_login(officer)
    response = client.post(CHANGELIST, {"action": "approve", ACTION_CHECKBOX_NAME: [group.pk]})
    assert response.status_code in (200, 403)
    group.refresh_from_db()
    assert group.status == "pending"


@pytest.mark.django_db
def test_status_cannot_be_edited_directly_in_the_change_form(admin_client_, make_organisation):
    group = make_organisation(status="pending")
    page = admin_client_.get(reverse("admin:organisations_organisation_change", args=[group.pk]))
    assert 'name="status"' not in page.content.decode()
    assert group.org_id in page.content.decode()
