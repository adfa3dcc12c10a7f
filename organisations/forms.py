from django import forms


class ReasonForm(forms.Form):
    """The reason a moderator gives for a rejection, in the admin and on the moderation pages.

    It is emailed to the group, so it is required and never only spaces.
    """

    reason = forms.CharField(
        label="Reason for rejecting",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is emailed to the group.",
        error_messages={"required": "Enter a reason; it is emailed to the group"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter a reason; it is emailed to the group")
        return reason
