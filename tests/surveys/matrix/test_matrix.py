"""The capacity matrix: cells, filters, gaps, footers, exports, access and query counts."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from services.models import ServiceArea
from surveys.matrix.filters import MatrixFilterSet
from surveys.matrix.selectors import MatrixCell, MatrixFilters, capacity_matrix
from surveys.models import Interest
from surveys.rounds import default_capacity_survey


def _grid(matrix):
    """{organisation name: {service slug: 'D+G (readiness)'}} for readable assertions."""
    return {
        row.organisation.name: {
            column.service.slug: f"{cell.code} {cell.readiness}"
            for column, cell in zip(matrix.columns, row.cells, strict=True)
            if cell
        }
        for row in matrix.rows
    }


def _matrix(borough, **filters):
    return capacity_matrix(filters=MatrixFilters(**filters), survey=borough["current"], limit=50)


@pytest.mark.django_db
def test_cells_show_each_role_and_readiness_of_approved_groups_only(borough):
    matrix = _matrix(borough)
    assert [c.service.slug for c in matrix.columns] == ["allotments", "parks", "day-care"]
    assert _grid(matrix) == {
        "Borough Volunteers": {"parks": "D future"},
        "Carers Together": {"day-care": "G ready_now"},
        "Friends of Ashwick Park": {"allotments": "D with_support", "parks": "D+G ready_now"},
    }
    assert matrix.organisation_count == 3
    assert [row.service_count for row in matrix.rows] == [1, 1, 2]


@pytest.mark.django_db
def test_footers_count_ready_now_and_mark_gaps(borough):
    matrix = _matrix(borough)
    footers = {c.service.slug: (c.ready_deliverers, c.ready_co_governors, c.is_gap) for c in matrix.columns}
    # The pending and archived groups' ready-now offers do not count.
    assert footers == {
        "allotments": (0, 0, True),
        "parks": (1, 1, False),
        "day-care": (0, 1, True),
    }
    assert matrix.gap_count == 2


@pytest.mark.django_db
def test_the_default_round_is_the_latest_that_has_opened(officer_client, borough, make_survey):
    future = make_survey(
        slug="capacity-2027",
        opens_at=timezone.now() + datetime.timedelta(days=30),
        closes_at=timezone.now() + datetime.timedelta(days=90),
    )
    assert default_capacity_survey() == borough["current"]
    page = officer_client.get(reverse("surveys:matrix")).content.decode()
    assert "Friends of Ashwick Park" in page and borough["current"].title in page
    chosen = officer_client.get(reverse("surveys:matrix"), {"survey": future.slug}).content.decode()
    assert "Friends of Ashwick Park" not in chosen


@pytest.mark.django_db
def test_an_earlier_round_shows_its_own_interests(borough):
    matrix = capacity_matrix(filters=MatrixFilters(), survey=borough["old"], limit=50)
    assert _grid(matrix) == {"Carers Together": {"allotments": "D ready_now"}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "ashwick"}, {"Friends of Ashwick Park"}),
        ({"org_type": "charity"}, {"Carers Together"}),
        ({"role": "deliver"}, {"Friends of Ashwick Park", "Borough Volunteers"}),
        ({"role": "co_govern"}, {"Friends of Ashwick Park", "Carers Together"}),
        ({"role": "both"}, {"Friends of Ashwick Park"}),
        ({"readiness": "ready_now"}, {"Friends of Ashwick Park", "Carers Together"}),
        ({"readiness": "with_support"}, {"Friends of Ashwick Park", "Carers Together"}),
        ({"readiness": "future"}, {"Friends of Ashwick Park", "Carers Together", "Borough Volunteers"}),
        ({"risk_tier": "high"}, {"Carers Together"}),
        ({"gaps_only": True}, {"Friends of Ashwick Park", "Carers Together"}),
        ({"role": "deliver", "readiness": "ready_now"}, {"Friends of Ashwick Park"}),
    ],
)
def test_each_filter_selects_the_expected_rows(borough, filters, expected):
    assert {row.organisation.name for row in _matrix(borough, **filters).rows} == expected


@pytest.mark.django_db
def test_ward_filter_counts_borough_wide_groups(borough):
    north = _matrix(borough, ward=borough["north"])
    assert {r.organisation.name for r in north.rows} == {"Friends of Ashwick Park", "Borough Volunteers"}
    south = _matrix(borough, ward=borough["south"])
    assert {r.organisation.name for r in south.rows} == {"Carers Together", "Borough Volunteers"}
    # Footers follow the organisations in the ward: no one in Southmead is ready to deliver parks.
    assert {c.service.slug: c.ready_deliverers for c in south.columns}["parks"] == 0


@pytest.mark.django_db
def test_category_and_service_filters_choose_columns(borough):
    by_category = _matrix(borough, category=borough["parks_cat"])
    assert [c.service.slug for c in by_category.columns] == ["allotments", "parks"]
    by_service = _matrix(borough, services=(borough["day_care"],))
    assert [c.service.slug for c in by_service.columns] == ["day-care"]
    assert {r.organisation.name for r in by_service.rows} == {"Carers Together"}


@pytest.mark.django_db
def test_gaps_only_keeps_services_nobody_is_ready_to_deliver(borough):
    matrix = _matrix(borough, gaps_only=True)
    assert [c.service.slug for c in matrix.columns] == ["allotments", "day-care"]


@pytest.mark.django_db
def test_a_round_that_names_its_services_shows_only_those(borough):
    borough["current"].services.set([borough["parks"]])
    matrix = _matrix(borough)
    assert [c.service.slug for c in matrix.columns] == ["parks"]
    assert {r.organisation.name for r in matrix.rows} == {"Friends of Ashwick Park", "Borough Volunteers"}


@pytest.mark.django_db
def test_streamed_rows_match_the_paged_rows(borough):
    paged = _matrix(borough)
    streamed = capacity_matrix(filters=MatrixFilters(), survey=borough["current"])
    assert [(r.organisation.pk, [c and c.code for c in r.cells]) for r in streamed.rows] == [
        (r.organisation.pk, [c and c.code for c in r.cells]) for r in paged.rows
    ]


# --- the page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_matrix_page_shows_cells_with_text_for_screen_readers(officer_client, borough):
    page = officer_client.get(reverse("surveys:matrix")).content.decode()
    assert "Friends of Ashwick Park" in page and "Pending Group" not in page
    assert "can deliver and can co-govern, ready now" in page
    assert "can co-govern, ready now" in page
    assert "can deliver, interested for the future" in page
    assert page.count("app-gap") == 2
    assert "Parks and open spaces" in page and 'scope="colgroup"' in page
    assert 'href="/services/parks/"' in page


@pytest.mark.django_db
def test_matrix_filters_come_from_the_query_string(officer_client, borough):
    response = officer_client.get(
        reverse("surveys:matrix"), {"ward": "E05000102", "category": "parks-cat", "survey": "capacity-2026"}
    )
    page = response.content.decode()
    assert "Borough Volunteers" in page
    assert "Carers Together" not in page
    assert "ward=E05000102" in page  # the export links keep the filters


@pytest.mark.django_db
def test_bad_filter_values_are_explained_not_an_error(officer_client, borough):
    response = officer_client.get(reverse("surveys:matrix"), {"ward": "nowhere", "page": "x", "role": "boss"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Friends of Ashwick Park" in page


@pytest.mark.django_db
def test_matrix_paginates(officer_client, borough, make_organisation, make_interest):
    for n in range(55):
        make_interest(
            survey=borough["current"],
            organisation=make_organisation(name=f"Zed group {n:02d}"),
            service_area=borough["parks"],
        )
    first = officer_client.get(reverse("surveys:matrix")).content.decode()
    assert "Page 1 of 2" in first and "Zed group 54" not in first
    second = officer_client.get(reverse("surveys:matrix"), {"page": 2}).content.decode()
    assert "Zed group 54" in second and "Friends of Ashwick Park" not in second


# --- exports ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_export_has_every_row_and_the_agreed_header(officer_client, borough):
    response = officer_client.get(reverse("surveys:matrix_csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="capacity-matrix-capacity-2026')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Organisation", "org-id", "Type", "Allotments", "Parks", "Day care"]
    assert rows[1:] == [
        ["Borough Volunteers", borough["everywhere"].org_id, "Informal volunteer network", "", "D", ""],
        ["Carers Together", "GB-CHC-1123456", "Registered charity", "", "", "G"],
        ["Friends of Ashwick Park", borough["friends"].org_id, "“Friends of” group", "D", "D+G", ""],
    ]


@pytest.mark.django_db
def test_exports_neutralise_spreadsheet_formulas(officer_client, borough, make_organisation, make_interest):
    for name in ('=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)"):
        make_interest(
            survey=borough["current"],
            organisation=make_organisation(name=name),
            service_area=borough["parks"],
        )
    response = officer_client.get(reverse("surveys:matrix_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert all(not name.startswith(("=", "+", "-", "@")) for name in names)
    assert '\'=HYPERLINK("http://evil")' in names

    response = officer_client.get(reverse("surveys:matrix_xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith(("=", "+", "-", "@")))


@pytest.mark.django_db
def test_xlsx_export_has_the_matrix_and_the_interests_in_long_form(officer_client, borough):
    Interest.objects.filter(organisation=borough["friends"], service_area=borough["allotments"]).update(
        support_needed=["funding", "insurance"], volunteers_offered=6, hours_per_week=12
    )
    response = officer_client.get(reverse("surveys:matrix_xlsx"), {"category": "parks-cat"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Matrix", "Interests"]
    matrix = list(workbook["Matrix"].iter_rows(values_only=True))
    assert matrix[0] == ("Organisation", "org-id", "Type", "Allotments", "Parks")
    assert len(matrix) == 3
    interests = list(workbook["Interests"].iter_rows(values_only=True))
    assert interests[0][:4] == ("Organisation", "org-id", "Service", "Roles")
    assert (
        "Friends of Ashwick Park",
        borough["friends"].org_id,
        "Allotments",
        "D",
        "Deliver part of the service under a grant or contract",
        "Ready with support",
        6,
        12,
        "Funding, Insurance",
    ) in interests
    assert len(interests) == 1 + 3


# --- access and query counts --------------------------------------------------------------

OFFICER_PAGES = [
    ("surveys:matrix", []),
    ("surveys:matrix_csv", []),
    ("surveys:matrix_xlsx", []),
    ("services:list", []),
    ("services:detail", ["parks"]),
    ("organisations:detail", ["friends"]),
    ("dashboard", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), OFFICER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, borough, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), OFFICER_PAGES)
def test_signed_in_non_officers_are_refused(client, borough, django_user_model, name, args):
    client.force_login(django_user_model.objects.create_user("resident"))
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), OFFICER_PAGES)
def test_officers_and_admins_get_in(client, officer, admin_user_, borough, name, args):
    for user in (officer, admin_user_):
        client.force_login(user)
        assert client.get(reverse(name, args=args)).status_code == 200


def test_a_cell_an_interest_and_the_exports_write_the_roles_the_same_way():
    for delivers, co_governs, code, shown in [
        (True, False, "D", "D"),
        (False, True, "G", "G"),
        (True, True, "D+G", "D G"),
    ]:
        cell = MatrixCell(delivers=delivers, co_governs=co_governs, readiness="ready_now", involvement="")
        interest = Interest(delivers=delivers, co_governs=co_governs)
        assert (cell.code, cell.label, interest.roles_code) == (code, shown, code)


@pytest.mark.django_db
def test_services_keep_one_order_when_two_categories_share_a_position(
    officer_client, borough, make_category, make_service
):
    arts = make_category(name="Arts", slug="arts", position=1)  # the same position as parks
    make_service(name="Zoo", slug="zoo", category=arts)
    in_order = ["zoo", "allotments", "parks", "closed", "day-care"]
    assert [s.slug for s in ServiceArea.objects.in_display_order()] == in_order
    assert [s.slug for s in ServiceArea.objects.all()] == in_order
    assert [s.slug for s in MatrixFilterSet({}).form.fields["service"].queryset] == in_order
    assert [c.service.slug for c in _matrix(borough).columns] == ["zoo", "allotments", "parks", "day-care"]
    page = officer_client.get(reverse("surveys:matrix")).content.decode()
    assert page.index('value="zoo"') < page.index('value="allotments"') < page.index('value="parks"')
