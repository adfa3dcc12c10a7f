"""The one helper every export uses (matrix, residents' results, the admin's CSV/XLSX)."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection), and drop the
    control characters a workbook cannot hold (text from an import or the admin may have them)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
