"""Every admin page a curator relies on opens, and the Council officers group is set up."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from surveys.models import Assessment, ResidentResponse, ResidentServiceView
from surveys.officers.services import COUNCIL_OFFICERS


@pytest.fixture
def some_of_everything(make_interest, make_ward, admin_user_):
    interest = make_interest(support_needed=["funding"])
    interest.organisation.wards.add(make_ward())
    Assessment.objects.create(
        interest=interest,
        risk_rating="low",
        recommendation="pilot",
        estimated_cost=1000,
        author=admin_user_,
    )
    response = ResidentResponse.objects.create(survey=interest.survey, age_band="25_34")
    ResidentServiceView.objects.create(
        response=response,
        service_area=interest.service_area,
        view="willing",
        accepts_community_group=True,
    )
    return interest


@pytest.mark.django_db
def test_every_changelist_add_and_change_page_opens(admin_client_, some_of_everything):
    assert len(admin.site._registry) >= 10
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = admin_client_.get(changelist)
        assert response.status_code == 200, changelist
        search = admin_client_.get(changelist, {"q": "1"})
        assert search.status_code == 200, changelist
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert admin_client_.get(add).status_code == 200, add
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert admin_client_.get(change).status_code == 200, change


@pytest.mark.django_db
def test_history_pages_show_changes(admin_client_, some_of_everything):
    organisation = some_of_everything.organisation
    organisation.description = "Runs the community garden."
    organisation.save()
    url = reverse("admin:organisations_organisation_history", args=[organisation.pk])
    page = admin_client_.get(url).content.decode()
    assert "Changed" in page or "Created" in page
    assert page.count("history_id") or "Description" in page


@pytest.mark.django_db
def test_organisation_page_has_interests_inline(admin_client_, some_of_everything):
    organisation = some_of_everything.organisation
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    page = admin_client_.get(url).content.decode()
    assert "interests-TOTAL_FORMS" in page
    assert some_of_everything.service_area.name in page


@pytest.mark.django_db
def test_admin_carries_the_council_name(admin_client_, settings):
    page = admin_client_.get(reverse("admin:index")).content.decode()
    assert settings.COUNCIL_NAME in page


@pytest.mark.django_db
def test_council_officers_group_exists_after_migrate():
    group = Group.objects.get(name=COUNCIL_OFFICERS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "view_organisation",
        "view_ward",
        "view_servicearea",
        "view_servicecategory",
        "view_survey",
        "view_interest",
        "view_assessment",
        "view_residentresponse",
        "add_assessment",
        "change_assessment",
    } <= codenames
    assert not codenames & {"change_organisation", "delete_assessment", "add_interest"}


@pytest.mark.django_db
def test_council_officers_cannot_export_contact_details(officer):
    # The group takes every "view_" permission; this one must never match by accident.
    assert Permission.objects.filter(
        content_type__app_label="organisations", codename="export_personal_data"
    ).exists()
    group = Group.objects.get(name=COUNCIL_OFFICERS)
    assert not group.permissions.filter(codename="export_personal_data").exists()
    assert officer.has_perm("organisations.view_organisation")
    assert not officer.has_perm("organisations.export_personal_data")


@pytest.mark.django_db
def test_officers_can_view_but_not_change_organisations(client, officer, some_of_everything):
    client.force_login(officer)
    organisation = some_of_everything.organisation
    changelist = reverse("admin:organisations_organisation_changelist")
    assert organisation.name in client.get(changelist).content.decode()
    response = client.post(
        reverse("admin:organisations_organisation_change", args=[organisation.pk]),
        {"name": "Renamed"},
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name != "Renamed"
