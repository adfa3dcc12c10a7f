from django import forms


class RejectionForm(forms.Form):
    """The reason a moderator gives when rejecting registrations; it is sent to the group."""

    reason = forms.CharField(
        label="Reason for rejecting",
        help_text="This is kept with the record and will be shared with the group.",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason for rejecting.")
        return reason
