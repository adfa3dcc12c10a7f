"""Exports neutralise cells a spreadsheet would run; email subjects stay on one line."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from surveys import emails
from surveys.models import Survey
from tests.conftest import run_outbox_worker

from .test_registration import _consume

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(response):
    text = _consume(response).decode("utf-8").lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _xlsx_cells(response):
    workbook = load_workbook(io.BytesIO(_consume(response)), read_only=True)
    return [cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]


@pytest.mark.django_db
def test_exports_neutralise_cells_a_spreadsheet_would_run(
    borough, officer, make_organisation, make_interest, make_service, make_survey, make_resident_response
):
    formula_service = make_service(name="=SUM(1+1)", slug="formula", category=borough["parks_cat"])
    for n, name in enumerate(FORMULAS):
        group = make_organisation(name=name, slug=f"formula-{n}", borough_wide=True)
        make_interest(survey=borough["current"], organisation=group, service_area=borough["parks"])
    # Text from an import or the admin may hold control characters a workbook cannot.
    bell = make_organisation(name="Bell\x07 Ringers\x0b", slug="bell", borough_wide=True)
    make_interest(survey=borough["current"], organisation=bell, service_area=formula_service)

    office = Client()
    office.force_login(officer)
    csv_cells = _csv_cells(office.get(reverse("surveys:matrix_csv")))
    xlsx_cells = [c for c in _xlsx_cells(office.get(reverse("surveys:matrix_xlsx"))) if isinstance(c, str)]
    # XML reads a carriage return back as a line feed.
    xlsx_cells = [c.replace("\n", "\r") if c.endswith("=1+1") else c for c in xlsx_cells]
    for cells in (csv_cells, xlsx_cells):
        assert not [c for c in cells if c.startswith(TRIGGERS)], "a cell would run as a formula"
        for name in FORMULAS:
            assert "'" + name in cells
        assert "'=SUM(1+1)" in cells
    assert "Bell Ringers" in xlsx_cells

    now = timezone.now()
    residents = make_survey(
        slug="residents-2025",
        kind=Survey.Kind.RESIDENT_VIEWS,
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now - datetime.timedelta(days=10),
    )
    make_resident_response({formula_service: "willing", borough["parks"]: "uneasy"}, survey=residents)
    results = _csv_cells(office.get(reverse("surveys:resident_results_csv") + "?survey=residents-2025"))
    assert "'=SUM(1+1)" in results
    assert not [c for c in results if c.startswith(TRIGGERS)]


@pytest.mark.django_db
def test_a_name_with_a_line_break_still_makes_a_one_line_email_subject(
    borough, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]
    group = borough["friends"]
    group.name = "Friends of\r\nAshwick Park"  # as an import or the admin might bring it in
    with django_capture_on_commit_callbacks(execute=True):
        emails.erasure_requested(group)
    run_outbox_worker()
    (message,) = mailoutbox
    assert message.subject == "Deletion requested: Friends of Ashwick Park"
