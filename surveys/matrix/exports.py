"""CSV and XLSX exports of the capacity matrix, streamed, safe to open in a spreadsheet."""

import csv
import tempfile

from openpyxl import Workbook

from capacity_map.spreadsheets import spreadsheet_safe

from ..models import Interest, roles_code


def matrix_header(matrix):
    return ["Organisation", "org-id", "Type"] + [column.service.name for column in matrix.columns]


def matrix_line(row):
    """One organisation's row, safe to open in a spreadsheet."""
    organisation = row.organisation
    named = [organisation.name, organisation.org_id, organisation.get_org_type_display()]
    # Cells are only ever D, G, D+G or empty, so only the group's own text needs making safe
    # (a county's export has 700,000 cells).
    return [spreadsheet_safe(value) for value in named] + [cell.code if cell else "" for cell in row.cells]


class _Echo:
    def write(self, value):
        return value


def matrix_csv_lines(matrix):
    """The matrix as CSV text, one line at a time."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([spreadsheet_safe(v) for v in matrix_header(matrix)])
    for row in matrix.rows:
        yield writer.writerow(matrix_line(row))


INTEREST_HEADER = [
    "Organisation",
    "org-id",
    "Service",
    "Roles",
    "Involvement",
    "Readiness",
    "Volunteers",
    "Hours a week",
    "Support needed",
]


def matrix_workbook_file(matrix):
    """Write the matrix and the long-form interests to a temporary XLSX file, return it open."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Matrix")
    sheet.append([spreadsheet_safe(v) for v in matrix_header(matrix)])
    for row in matrix.rows:
        sheet.append(matrix_line(row))
    long_form = workbook.create_sheet("Interests")
    long_form.append(INTEREST_HEADER)
    involvement = dict(Interest.Involvement.choices)
    readiness = dict(Interest.Readiness.choices)
    support = dict(Interest.Support.choices)
    for interest in matrix.interest_records():
        long_form.append(
            [
                spreadsheet_safe(v)
                for v in [
                    interest["organisation__name"],
                    interest["org_id"],
                    interest["service_area__name"],
                    roles_code(delivers=interest["delivers"], co_governs=interest["co_governs"]),
                    involvement.get(interest["involvement"], interest["involvement"]),
                    readiness.get(interest["readiness"], interest["readiness"]),
                    interest["volunteers_offered"],
                    interest["hours_per_week"],
                    ", ".join(support.get(s, s) for s in interest["support_needed"] or []),
                ]
            ]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the FileResponse closes it once sent)
    workbook.save(handle)
    handle.seek(0)
    return handle
