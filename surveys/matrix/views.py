"""The capacity matrix page and its CSV and XLSX exports."""

import hashlib
import logging
import math

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Layout, Size, Submit
from django.core.cache import cache
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views import View
from django.views.generic import TemplateView

from capacity_map.access import OfficerRequiredMixin

from ..fields import PreloadedModelChoiceField
from .exports import matrix_csv_lines, matrix_workbook_file
from .filters import MatrixFilterSet
from .selectors import capacity_matrix

logger = logging.getLogger(__name__)

ROWS_PER_PAGE = 50
# Rendered filter forms stay in Django's cache, keyed by everything they show (see filter_form_html).
FILTER_FORM_SECONDS = 60 * 60
# Made when the process starts: each web process keeps its own renderings, so a release (new
# processes, perhaps new form code or templates) never serves an older one.
PROCESS_TOKEN = get_random_string(16)


def _filter_helper():
    helper = FormHelper()
    # A GET form: a CSRF token would only end up in the shareable link (as on the service page).
    helper.form_tag, helper.disable_csrf = False, True
    helper.form_show_errors = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(
        Field.select("survey"),
        Field.text("q"),
        Field.select("org_type"),
        Field.select("ward"),
        Field.select("category"),
        Field.select("risk_tier"),
        Div(Field.checkboxes("service", small=True, legend_size=Size.SMALL), css_class="app-scroll-box"),
        Field.select("role"),
        Field.select("readiness"),
        Field.checkbox("gaps", small=True),
        Submit("", "Apply filters"),
    )
    return helper


def filter_form_html(filterset, request):
    """The filter form as crispy renders it, remembered for the same query string and options.

    With 150 services the form is the page's slowest part to render, and nearly every officer
    sees the same few forms. The key holds everything the form shows (what was asked for, and the
    value and label of every option it offers, loaded on every request as before), so a remembered
    form is never out of date and nothing needs invalidating; it also holds this process's token.
    """
    form = filterset.form
    # Only the form's own fields: the page number and anything else in the link do not change it.
    asked = tuple((name, tuple(request.GET.getlist(name))) for name in form.fields if name in request.GET)
    shown = repr((asked, _options_offered(form))).encode()
    key = f"surveys:matrix:filter-form:{PROCESS_TOKEN}:{hashlib.sha256(shown).hexdigest()}"
    html = _in_cache(cache.get, key)
    if html is None:
        html = render_crispy_form(form, helper=form.helper, context={"request": request})
        _in_cache(cache.set, key, html, FILTER_FORM_SECONDS)
    return html


def _in_cache(operation, *args):
    """One cache operation; when the cache server is down the form is rendered, as without one."""
    try:
        return operation(*args)
    except Exception as error:  # noqa: BLE001 - any fault of the cache server (refused, timed out …)
        logger.warning("Shared cache unreachable for the matrix filter form: %s", error)
        return None


def _options_offered(form):
    """(field, ((value, label), ...)) for each field whose options come from the database."""
    offered = []
    for name, field in form.fields.items():
        if isinstance(field, PreloadedModelChoiceField):
            value = field.to_field_name or "pk"
            choices = tuple((getattr(o, value), field.label_from_instance(o)) for o in field.loaded())
            offered.append((name, choices))
    return tuple(offered)


class MatrixMixin(OfficerRequiredMixin):
    def get_filterset(self):
        filterset = MatrixFilterSet(self.request.GET)
        filterset.form.helper = _filter_helper()
        return filterset

    def export_filename(self, matrix, extension):
        round_slug = matrix.survey.slug if matrix.survey else "no-round"
        return f"capacity-matrix-{round_slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


class MatrixView(MatrixMixin, TemplateView):
    template_name = "surveys/matrix/matrix.html"

    def get_context_data(self, **kwargs):
        filterset = self.get_filterset()
        try:
            page = max(1, int(self.request.GET.get("page", "1")))
        except ValueError:
            page = 1
        matrix = capacity_matrix(
            filters=filterset.matrix_filters(),
            survey=filterset.selected_survey(),
            offset=(page - 1) * ROWS_PER_PAGE,
            limit=ROWS_PER_PAGE,
        )
        page_count = max(1, math.ceil(matrix.organisation_count / ROWS_PER_PAGE))
        if page > page_count:
            page = page_count
            matrix = capacity_matrix(
                filters=filterset.matrix_filters(),
                survey=filterset.selected_survey(),
                offset=(page - 1) * ROWS_PER_PAGE,
                limit=ROWS_PER_PAGE,
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset=filterset,
            filter_form=filter_form_html(filterset, self.request),
            matrix=matrix,
            page=page,
            page_count=page_count,
            first_row=(page - 1) * ROWS_PER_PAGE + 1,
            last_row=(page - 1) * ROWS_PER_PAGE + len(matrix.rows),
            query=query.urlencode(),
            **kwargs,
        )


class MatrixCsvView(MatrixMixin, View):
    def get(self, request):
        filterset = self.get_filterset()
        matrix = capacity_matrix(filters=filterset.matrix_filters(), survey=filterset.selected_survey())
        response = StreamingHttpResponse(matrix_csv_lines(matrix), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.export_filename(matrix, "csv")}"'
        return response


class MatrixXlsxView(MatrixMixin, View):
    def get(self, request):
        filterset = self.get_filterset()
        matrix = capacity_matrix(filters=filterset.matrix_filters(), survey=filterset.selected_survey())
        return FileResponse(
            matrix_workbook_file(matrix),
            as_attachment=True,
            filename=self.export_filename(matrix, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
