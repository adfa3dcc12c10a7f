"""CSV and XLSX round trips through the django-import-export resources the admin uses."""

import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from organisations.models import Organisation, Ward
from organisations.resources import OrganisationResource, WardResource
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

    for resource in (WardResource, ServiceAreaResource, OrganisationResource, InterestResource):
        _import(resource, datasets[resource])

    after = _snapshot()
    assert after == before


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
