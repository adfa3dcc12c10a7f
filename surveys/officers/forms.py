from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from ..models import Assessment


class PoundsField(forms.DecimalField):
    """A sum of money as people type it: '£12,000' is 12000."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


def _pounds(label, hint, what, example):
    return PoundsField(
        label=label,
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        help_text=f"{hint} Leave empty if not known.",
        error_messages={
            "invalid": f"Enter the {what} as a number of pounds, like {example}",
            "min_value": f"The {what} cannot be negative",
        },
    )


class AssessmentForm(forms.ModelForm):
    """An officer's assessment of one group's interest in a service."""

    estimated_cost = _pounds(
        "Estimated cost to the council (£)", "A year, in pounds, for example 12000.", "cost", "12000"
    )
    estimated_saving = _pounds("Estimated saving (£)", "A year, in pounds.", "saving", "5000")

    class Meta:
        model = Assessment
        fields = [
            "estimated_cost",
            "estimated_saving",
            "social_value",
            "risks",
            "risk_rating",
            "recommendation",
            "notes",
        ]
        widgets = {
            "risk_rating": forms.RadioSelect,
            "recommendation": forms.RadioSelect,
        }
        help_texts = {
            "social_value": "What the community would gain: volunteering, local jobs, wellbeing.",
        }
        error_messages = {
            "risk_rating": {"required": "Select a risk rating"},
            "recommendation": {"required": "Select a recommendation"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("risk_rating", "recommendation"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        for name in ("social_value", "risks", "notes"):
            self.fields[name].widget.attrs["rows"] = 3
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Fieldset(
                Field.text("estimated_cost", field_width=10),
                Field.text("estimated_saving", field_width=10),
                legend="Cost and saving",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("social_value"),
            Field.textarea("risks"),
            Field.radios("risk_rating", legend_size=Size.SMALL, inline=True),
            Field.radios("recommendation", legend_size=Size.SMALL),
            Field.textarea("notes"),
            Submit("submit", "Save assessment"),
        )
