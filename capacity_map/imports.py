"""The base for every CSV/XLSX import and export resource the admin offers."""

from django.db import models
from import_export import resources, widgets


class CouncilModelResource(resources.ModelResource):
    """A resource whose imports are all-or-nothing and keep blank text blank, not NULL."""

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
