"""The capacity matrix page and its CSV and XLSX exports."""

import math

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Layout, Size, Submit
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from capacity_map.access import OfficerRequiredMixin

from ..exports import matrix_csv_lines, matrix_workbook_file
from ..filters import MatrixFilterSet
from ..selectors import capacity_matrix

ROWS_PER_PAGE = 50


def _filter_helper():
    helper = FormHelper()
    helper.form_tag = False
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


class MatrixMixin(OfficerRequiredMixin):
    def get_filterset(self):
        filterset = MatrixFilterSet(self.request.GET)
        filterset.form.helper = _filter_helper()
        return filterset

    def export_filename(self, matrix, extension):
        round_slug = matrix.survey.slug if matrix.survey else "no-round"
        return f"capacity-matrix-{round_slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


class MatrixView(MatrixMixin, TemplateView):
    template_name = "surveys/matrix.html"

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
