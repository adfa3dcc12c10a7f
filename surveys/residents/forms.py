"""Forms of the residents' views survey, and the residents' filter on the service page."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Layout, Size, Submit
from django import forms
from django.utils.html import escape, format_html

from organisations.models import Ward

from ..fields import HoneypotForm, PreloadedModelChoiceField
from ..models import ResidentResponse, ResidentServiceView, Survey
from ..rounds import latest_opened
from .selectors import RESIDENT_CHANNELS


def _helper(*fields, button=None, **button_attrs):
    helper = FormHelper()
    # The page's own <form> carries the CSRF token.
    helper.form_tag, helper.disable_csrf = False, True
    helper.layout = Layout(*fields)
    if button:
        helper.layout.append(Submit("submit", button, **button_attrs))
    return helper


class ServiceViewsForm(HoneypotForm):
    """One category's services: how the resident would feel about each being delivered differently."""

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = services
        layout = []
        for service in services:
            question = f"how you would feel about {service.name} being delivered differently"
            self.fields[f"view_{service.pk}"] = forms.ChoiceField(
                label=format_html("How would you feel about {} being delivered differently?", service.name),
                help_text=escape(service.description),
                choices=ResidentServiceView.View.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select {question}", "invalid_choice": f"Select {question}"},
            )
            self.fields[f"ways_{service.pk}"] = forms.MultipleChoiceField(
                label=format_html("Which of these ways of running {} would you accept?", service.name),
                help_text="Optional. Select all that apply.",
                choices=[(value, label) for value, _field, label in RESIDENT_CHANNELS],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                error_messages={
                    "invalid_choice": "Select ways of running the service from the list",
                    "invalid_list": "Select ways of running the service from the list",
                },
            )
            layout.append(
                Div(
                    Field.radios(f"view_{service.pk}", legend_size=Size.MEDIUM, legend_tag="h2"),
                    Field.checkboxes(f"ways_{service.pk}", legend_size=Size.SMALL, small=True),
                    css_class="app-survey-service",
                )
            )
        self.helper = _helper(*layout, self.honeypot_layout(), button="Continue")

    @staticmethod
    def initial_from(views):
        """Form values from the answers kept in the session."""
        initial = {}
        for pk, answer in views.items():
            initial[f"view_{pk}"] = answer.get("view")
            initial[f"ways_{pk}"] = answer.get("channels", [])
        return initial

    def views(self):
        """The answers, as the session keeps them: by service primary key (as text)."""
        return {
            str(service.pk): {
                "view": self.cleaned_data[f"view_{service.pk}"],
                "channels": self.cleaned_data[f"ways_{service.pk}"],
            }
            for service in self.services
        }


class AboutYouForm(HoneypotForm):
    """The resident's ward and age band, both optional."""

    ward = PreloadedModelChoiceField(
        queryset=Ward.objects.order_by("name"),
        to_field_name="gss_code",
        required=False,
        label="Which ward do you live in? (optional)",
        help_text="A ward is the area a local councillor represents.",
        empty_label="I do not know, or I would rather not say",
        error_messages={"invalid_choice": "Select your ward from the list"},
    )
    age_band = forms.ChoiceField(
        label="How old are you? (optional)",
        choices=ResidentResponse.AgeBand.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select your age group from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("ward"),
            Field.radios("age_band", legend_size=Size.SMALL),
            self.honeypot_layout(),
            button="Continue",
        )


class SendAnswersForm(HoneypotForm):
    """The last step: send the answers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            self.honeypot_layout(), button="Send your answers", data_prevent_double_click="true"
        )


class ResidentViewsFilterForm(forms.Form):
    """Whose answers the service page shows: which round, and everyone or one ward or age group."""

    views_round = PreloadedModelChoiceField(
        queryset=Survey.objects.resident_views().latest_first(),
        to_field_name="slug",
        required=False,
        empty_label=None,
        label="Residents’ survey round",
    )
    views_ward = PreloadedModelChoiceField(
        queryset=Ward.objects.order_by("name"),
        to_field_name="gss_code",
        required=False,
        empty_label="All wards",
        label="Ward",
    )
    views_age = forms.ChoiceField(
        choices=[("", "All ages"), *ResidentResponse.AgeBand.choices],
        required=False,
        label="Age group",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # A GET form: a CSRF token would only end up in the address.
        self.helper.form_tag, self.helper.disable_csrf = False, True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("views_round"),
            Field.select("views_ward"),
            Field.select("views_age"),
            Submit("", "Show residents’ views", css_class="govuk-button--secondary"),
        )

    def chosen(self):
        """(round, ward, age band) asked for; an invalid value falls back to all, its error shown."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        survey = data.get("views_round") or latest_opened(self.fields["views_round"].loaded())
        return survey, data.get("views_ward"), data.get("views_age") or ""
