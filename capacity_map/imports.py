"""The base for every CSV/XLSX import and export the admin offers: resource and model admin."""

from django.db import models
from import_export import resources, widgets
from import_export.admin import ImportExportModelAdmin

# The one helper every export the product makes neutralises formulae with; the matrix export
# defined it first and the admin's exports must come out exactly the same.
from .spreadsheets import FORMULA_TRIGGERS, spreadsheet_safe


class CouncilModelResource(resources.ModelResource):
    """A resource whose imports are all-or-nothing, keep blank text blank, not NULL, and whose
    exports are safe to open in a spreadsheet."""

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default=default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.TextField) and django_field.blank:
            kwargs.update({"coerce_to_string": True, "allow_blank": True})
        return kwargs

    def import_data(self, dataset, **kwargs):
        # A spreadsheet with one bad row must not leave the other rows half-imported.
        kwargs["use_transactions"] = True
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        # Take off the quote an export put before "+44 …" or "-2", so a file exported, edited
        # and imported again leaves the record as it was.
        for column, value in row.items():
            if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
                row[column] = value[1:]
        super().before_import_row(row, **kwargs)

    def export_field(self, field, instance, **kwargs):
        # OWASP CSV injection: a group's own text starting "=", "+", "-", "@", a tab or a carriage
        # return would run as a formula in the officer's spreadsheet (CSV and XLSX alike).
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))


class CouncilImportExportAdmin(ImportExportModelAdmin):
    """Import and export in the admin, each only for those allowed to make or see the records."""

    def has_import_permission(self, request):
        # An import both adds records and changes existing ones.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)
