"""One form per page of the registration journey (also used when a group updates its record)."""

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from capacity_map.validators import PlainTextFormMixin
from organisations import identifiers
from organisations.models import Organisation, Ward, normalise_postcode, uk_postcode_validator

from ..fields import HoneypotForm
from ..models import Interest

YES_NO = [("yes", "Yes"), ("no", "No")]
SHORT_TEXT = 1000


class StepForm(PlainTextFormMixin, forms.Form):
    """A page of the journey: GOV.UK layout, the page heading as the first question's label."""

    title = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = self.layout()

    def layout(self):
        return Layout(*self.fields)


def _count(label, *, required=False, maximum=100000, **kwargs):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=maximum,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{label} must be a whole number, like 12",
            "min_value": f"{label} cannot be negative",
            "max_value": f"{label} must be {maximum:,} or fewer",
        },
        **kwargs,
    )


def _in_their_words(label, hint):
    return forms.CharField(
        label=label,
        required=False,
        max_length=SHORT_TEXT,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AboutForm(StepForm):
    title = "About your group"

    name = forms.CharField(
        label="What is your group called?",
        max_length=200,
        error_messages={"required": "Enter the name of your group"},
    )
    description = forms.CharField(
        label="What does your group do?",
        max_length=2000,
        required=False,
        help_text="In a sentence or two. This is shown to council officers.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def layout(self):
        return Layout(Field.text("name"), Field.textarea("description", max_characters=2000))


class TypeForm(StepForm):
    title = "Type and registration numbers"

    org_type = forms.ChoiceField(
        label="What type of group is it?",
        choices=Organisation.OrgType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of group"},
    )
    charity_regulator = forms.ChoiceField(
        label="Charity regulator",
        required=False,
        choices=[("", "Not a registered charity"), *Organisation.CharityRegulator.choices],
    )
    charity_number = forms.CharField(
        label="Registered charity number",
        required=False,
        max_length=12,
        help_text="For example 1123456 in England and Wales, SC012345 in Scotland, or 100123 in "
        "Northern Ireland.",
    )
    company_number = forms.CharField(
        label="Company number",
        required=False,
        max_length=10,
        help_text="8 characters, for example 01234567 or SC123456. For a CIC or charitable company.",
    )
    society_number = forms.CharField(
        label="Co-operative or community benefit society number",
        required=False,
        max_length=10,
        help_text="From the FCA Mutuals Public Register, for example 31234R.",
    )

    def layout(self):
        return Layout(
            Field.radios("org_type", legend_size=Size.MEDIUM),
            Fieldset(
                Field.select("charity_regulator"),
                Field.text("charity_number", field_width=10),
                Field.text("company_number", field_width=10),
                Field.text("society_number", field_width=10),
                legend="Registration numbers, if you have them",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean(self):
        data = super().clean()
        regulator, number = data.get("charity_regulator"), data.get("charity_number", "").strip()
        if number and not regulator:
            self.add_error("charity_regulator", "Select which regulator the charity is registered with")
        elif regulator and not number:
            self.add_error("charity_number", "Enter the charity number, or choose “Not a registered charity”")
        elif number:
            try:
                identifiers.validate_charity_number(number, regulator)
                data["charity_number"] = identifiers.normalise_charity_number(number, regulator)
            except ValidationError as error:
                self.add_error("charity_number", error.messages[0])
        for name, validate, normalise in (
            ("company_number", identifiers.validate_company_number, identifiers.normalise_company_number),
            ("society_number", identifiers.validate_society_number, identifiers.normalise_society_number),
        ):
            value = data.get(name, "").strip()
            if value:
                try:
                    validate(value)
                    data[name] = normalise(value)
                except ValidationError as error:
                    self.add_error(name, error.messages[0])
        return data


class WhereForm(StepForm):
    title = "Where your group works"

    area = forms.ChoiceField(
        label="Where does your group work?",
        widget=forms.RadioSelect,
        choices=[("borough", "Across the whole borough"), ("wards", "In particular wards")],
        error_messages={"required": "Select where your group works"},
    )
    wards = forms.ModelMultipleChoiceField(
        label="Which wards?",
        queryset=Ward.objects.order_by("name"),
        to_field_name="gss_code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only if your group works in particular wards. Select all that apply.",
        error_messages={"invalid_choice": "Select wards from the list"},
    )

    def layout(self):
        return Layout(
            Field.radios("area", legend_size=Size.MEDIUM),
            Field.checkboxes("wards", small=True, legend_size=Size.SMALL),
        )

    def clean(self):
        data = super().clean()
        if data.get("area") == "wards" and not data.get("wards"):
            self.add_error("wards", "Select the wards your group works in")
        if data.get("area") == "borough":
            data["wards"] = []
        return data


class SizeForm(StepForm):
    title = "Size and safeguards"

    volunteers = _count("Volunteers", help_text="About how many people volunteer with you.")
    paid_staff = _count("Paid staff", help_text="Leave empty if none.")
    income_band = forms.ChoiceField(
        label="Annual income",
        required=False,
        widget=forms.RadioSelect,
        choices=[*Organisation.IncomeBand.choices, ("", "Prefer not to say")],
    )
    year_founded = forms.IntegerField(
        label="Year founded",
        required=False,
        min_value=1600,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="For example 1998",
        error_messages={
            "invalid": "Year founded must be a year, like 1998",
            "min_value": "Year founded must be 1600 or later",
        },
    )
    safeguarding_policy = forms.ChoiceField(
        label="Does your group have a safeguarding policy?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if your group has a safeguarding policy"},
    )
    public_liability_insurance = forms.ChoiceField(
        label="Does your group have public liability insurance?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if your group has public liability insurance"},
    )

    def layout(self):
        return Layout(
            Field.text("volunteers", field_width=5),
            Field.text("paid_staff", field_width=5),
            Field.radios("income_band"),
            Field.text("year_founded", field_width=4),
            Field.radios("safeguarding_policy", inline=True),
            Field.radios("public_liability_insurance", inline=True),
        )

    def clean_year_founded(self):
        year = self.cleaned_data.get("year_founded")
        if year and year > datetime.date.today().year:
            raise ValidationError("Year founded must be this year or earlier")
        return year


class ServicesForm(StepForm):
    title = "Which services could your group help with?"

    services = forms.MultipleChoiceField(
        label="Which council services could your group help deliver or help govern?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. You will be asked about each one next.",
        error_messages={
            "required": "Select at least one service",
            "invalid_choice": "Select services from the list",
        },
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s.slug, f"{s.name} ({s.category.name})") for s in services]

    def layout(self):
        return Layout(Field.checkboxes("services", small=True, legend_size=Size.MEDIUM))


class ServiceInterestForm(StepForm):
    title = "How your group could help"

    roles = forms.MultipleChoiceField(
        label="What could your group do?",
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("deliver", "Deliver it, or part of it"),
            ("co_govern", "Help govern it (share decisions about how it is run)"),
        ],
        error_messages={"required": "Select whether your group could deliver it, help govern it, or both"},
    )
    involvement = forms.ChoiceField(
        label="What would your group’s involvement look like?",
        widget=forms.RadioSelect,
        choices=Interest.Involvement.choices,
        error_messages={"required": "Select what your group’s involvement would look like"},
    )
    readiness = forms.ChoiceField(
        label="How ready is your group?",
        widget=forms.RadioSelect,
        choices=Interest.Readiness.choices,
        error_messages={"required": "Select how ready your group is"},
    )
    volunteers_offered = _count("Volunteers you could offer")
    hours_per_week = _count("Volunteer hours a week")
    support_needed = forms.MultipleChoiceField(
        label="What support would you need?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Interest.Support.choices,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select support from the list"},
    )
    costs = _in_their_words("Costs", "What it would cost your group, or the council.")
    benefits = _in_their_words("Benefits", "What residents would gain.")
    concerns = _in_their_words("Concerns", "Anything that worries you about it.")

    def layout(self):
        return Layout(
            Field.checkboxes("roles", legend_size=Size.MEDIUM),
            Field.radios("involvement", legend_size=Size.MEDIUM),
            Field.radios("readiness", legend_size=Size.MEDIUM),
            Field.text("volunteers_offered", field_width=5),
            Field.text("hours_per_week", field_width=5),
            Field.checkboxes("support_needed", small=True),
            Field.textarea("costs", max_characters=SHORT_TEXT),
            Field.textarea("benefits", max_characters=SHORT_TEXT),
            Field.textarea("concerns", max_characters=SHORT_TEXT),
        )


class ContactForm(HoneypotForm, StepForm):
    title = "Contact details"

    contact_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the name of the person we should contact"},
    )
    contact_email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.TextInput(attrs={"input_type": "email", "autocomplete": "email", "spellcheck": "false"}),
        help_text="We’ll send your reference and, later, a link to keep your answers up to date.",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    contact_phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    postcode = forms.CharField(
        label="Postcode of your group’s main address",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=300,
        assume_scheme="https",
        # A TextInput, as for the email fields: crispy-forms-gds gives a URLInput no govuk-input
        # class, so the field had neither the GOV.UK border nor its focus outline.
        widget=forms.TextInput(attrs={"input_type": "url", "autocomplete": "url", "spellcheck": "false"}),
        help_text="Public: officers may share it.",
        error_messages={"invalid": "Enter a website address, like https://example.org"},
    )
    public_email = forms.EmailField(
        label="Public email address",
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"input_type": "email", "spellcheck": "false"}),
        help_text="Public: for residents who want to get involved.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    public_phone = forms.CharField(label="Public phone number", required=False, max_length=30)
    consent = forms.BooleanField(
        label="I agree to the council keeping these contact details to contact our group about this",
        error_messages={"required": "You must agree before we can keep your contact details"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = format_html(
            "Read the "
            '<a class="govuk-link" href="{}" target="_blank">privacy notice (opens in a new tab)</a> '
            "to see how we use them.",
            reverse("privacy"),
        )

    def layout(self):
        return Layout(
            Fieldset(
                Field.text("contact_name", field_width=20),
                Field.text("contact_email", field_width=20),
                Field.text("contact_phone", field_width=10),
                Field.text("postcode", field_width=10),
                legend="Who should we contact? (not published)",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("website", field_width=20),
                Field.text("public_email", field_width=20),
                Field.text("public_phone", field_width=10),
                legend="Public contact details (optional)",
                legend_size=Size.MEDIUM,
            ),
            Field.checkbox("consent"),
            self.honeypot_layout(),
        )

    def clean_postcode(self):
        postcode = normalise_postcode(self.cleaned_data.get("postcode", ""))
        if postcode:
            try:
                uk_postcode_validator(postcode)
            except ValidationError:
                raise ValidationError("Enter a full UK postcode, like SW1A 1AA") from None
        return postcode


class LinkRequestForm(PlainTextFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The contact email address your group registered with.",
        widget=forms.TextInput(attrs={"input_type": "email", "autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(Field.text("email", field_width=20))
