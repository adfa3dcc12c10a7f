"""The moderators' reason form, for a rejection emailed to the group."""

from django import forms
from django.core.exceptions import ValidationError


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is emailed to the group.",
        error_messages={"required": "Enter a reason; it is emailed to the group"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Enter a reason; it is emailed to the group")
        return reason
