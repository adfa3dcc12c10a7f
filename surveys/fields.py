"""Form fields shared by the jobs' forms, and the honeypot both public journeys carry."""

from crispy_forms_gds.layout import Div, Field
from django import forms
from django.forms.models import ModelChoiceIterator

from capacity_map.validators import PlainTextFormMixin

# The honeypot's name, for answers kept outside the form (the registration journey's session).
HONEYPOT = "extra_details"


def filled_by_a_machine(data) -> bool:
    """Whether anything was typed in the honeypot of this form data; only a machine can see it."""
    return bool(str(data.get(HONEYPOT, "")).strip())


class HoneypotForm(PlainTextFormMixin, forms.Form):
    """A form with a field people never see; anything typed in it was typed by a machine."""

    extra_details = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def filled_by_a_machine(self):
        return filled_by_a_machine(self.data)

    @staticmethod
    def honeypot_layout():
        """Hidden from sight and from screen readers, and out of the tab order."""
        return Div(Field.text(HONEYPOT), css_class="govuk-visually-hidden", aria_hidden="true")


class PreloadedChoiceIterator(ModelChoiceIterator):
    """Options from the field's one-off load of its queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for candidate in self.field.loaded():
            yield self.choice(candidate)

    def __len__(self):
        return len(self.field.loaded()) + (self.field.empty_label is not None)

    def __bool__(self):
        return bool(len(self))


class PreloadedModelChoiceField(forms.ModelChoiceField):
    """Loads its options once; a submitted value is looked up among them, not in the database."""

    iterator = PreloadedChoiceIterator

    def loaded(self):
        if getattr(self, "_loaded_from", None) is not self.queryset:
            self._loaded, self._loaded_from = list(self.queryset), self.queryset
        return self._loaded

    def _lookup(self, value):
        key = self.to_field_name or "pk"
        for candidate in self.loaded():
            if str(getattr(candidate, key)) == str(value):
                return candidate
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self._lookup(value)


class PreloadedModelMultipleChoiceField(PreloadedModelChoiceField, forms.ModelMultipleChoiceField):
    def clean(self, value):
        if value in self.empty_values:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        chosen = []
        for item in value:
            try:
                chosen.append(self._lookup(item))
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                ) from None
        return chosen
