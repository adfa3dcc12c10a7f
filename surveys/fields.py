"""Form fields shared by the jobs' forms."""

from django import forms
from django.forms.models import ModelChoiceIterator


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
