"""Checks on the text people type into the public forms."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.deconstruct import deconstructible

CONTROL_CHARACTERS_MESSAGE = (
    "Remove the hidden control characters from this answer (they can come with copied and pasted text)"
)


@deconstructible
class ControlCharacterValidator:
    """Refuse control characters (NUL, escape, bell...): PostgreSQL, spreadsheets and email headers
    cannot all take them, and no one types them. Multi-line answers keep tabs and line breaks."""

    message = CONTROL_CHARACTERS_MESSAGE
    code = "control_characters"

    def __init__(self, *, multiline=False):
        self.multiline = multiline
        self.allowed = frozenset("\t\n\r") if multiline else frozenset()

    def __call__(self, value):
        if any(unicodedata.category(c) == "Cc" and c not in self.allowed for c in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and self.multiline == other.multiline


def refuse_control_characters(form):
    """Give each text field of `form` the control-character check, in place of Django's NUL check."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ] + [ControlCharacterValidator(multiline=multiline)]


class PlainTextFormMixin:
    """A form whose text fields refuse control characters with a clear message by the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters(self)
