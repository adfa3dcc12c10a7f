"""The capacity matrix's cells, built in Python: a county's matrix page has over 7,000 of them."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

NO_INTEREST = mark_safe(
    '<td class="govuk-table__cell app-matrix__cell">'
    '<span class="govuk-visually-hidden">no interest</span></td>'
)
# A cell's markup depends only on its roles and readiness, so each of the few kinds is built once.
_CELL_MARKUP = {}


def cell_markup(cell):
    """One table cell: D, G or D G styled by readiness, its meaning in text for screen readers."""
    if cell is None:
        return NO_INTEREST
    kind = (cell.delivers, cell.co_governs, cell.readiness)
    markup = _CELL_MARKUP.get(kind)
    if markup is None:
        markup = _CELL_MARKUP[kind] = format_html(
            '<td class="govuk-table__cell app-matrix__cell"><span class="app-cell app-cell--{}">'
            '<span aria-hidden="true">{}</span><span class="govuk-visually-hidden">{}</span></span></td>',
            cell.readiness,
            cell.label,
            cell.description,
        )
    return markup


@register.filter
def matrix_cells(cells):
    """A matrix row's cells (MatrixCell or None each) as <td> elements, in column order."""
    return mark_safe("\n        ".join(cell_markup(cell) for cell in cells))  # noqa: S308 (built by format_html)
