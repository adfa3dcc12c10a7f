"""The pages of the registration journey and the answers a group gives on them.

Answers are kept as typed (each page's raw form data), in the session while the group fills them
in and in an OrganisationUpdate while a change waits for review. They are validated again, page
by page, whenever they are used, so a skipped or tampered page can never reach the database.
"""

from dataclasses import dataclass

from django import forms
from django.utils.datastructures import MultiValueDict

from services.models import ServiceArea

from ..fields import HONEYPOT
from ..models import Interest
from ..rounds import services_for_round
from . import forms as pages
from .answers import SERVICE_PREFIX, RegistrationAnswers, organisation_values

PROFILE_PAGES = {
    "about": pages.AboutForm,
    "type": pages.TypeForm,
    "where": pages.WhereForm,
    "size": pages.SizeForm,
}


@dataclass
class Page:
    key: str  # "about", ..., "services", "service-<slug>", "contact"
    title: str
    service: ServiceArea | None = None


class IncompleteAnswers(Exception):
    """A page is missing or no longer valid; `page` is where to send the group."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page


class Journey:
    """The pages for one group, and the answers given so far (raw, page by page)."""

    def __init__(self, answers, *, survey, services):
        self.answers = answers
        self.survey = survey
        self.services = list(services) if survey else []
        self._by_slug = {service.slug: service for service in self.services}

    def chosen_services(self):
        if not self.survey:
            return []
        chosen = self.answers.get("services", {}).get("services", [])
        # dict.fromkeys: a service sent twice (a tampered form) is still one page and one interest.
        return [self._by_slug[slug] for slug in dict.fromkeys(chosen) if slug in self._by_slug]

    def pages(self):
        result = [Page(key, form.title) for key, form in PROFILE_PAGES.items()]
        if self.survey:
            result.append(Page("services", pages.ServicesForm.title))
            result += [
                Page(SERVICE_PREFIX + s.slug, f"How your group could help: {s.name}", service=s)
                for s in self.chosen_services()
            ]
        result.append(Page("contact", pages.ContactForm.title))
        return result

    def page(self, key):
        return next((page for page in self.pages() if page.key == key), None)

    def next_key(self, key):
        keys = [page.key for page in self.pages()]
        index = keys.index(key)
        return keys[index + 1] if index + 1 < len(keys) else None

    def previous_key(self, key):
        keys = [page.key for page in self.pages()]
        index = keys.index(key)
        return keys[index - 1] if index > 0 else None

    def form(self, page, data=None, **kwargs):
        """The page's form: bound to `data` if given, else to the answers kept for it, if any."""
        if data is None and page.key in self.answers:
            data = MultiValueDict(self.answers[page.key])
        if page.key == "services":
            return pages.ServicesForm(data, services=self.services, **kwargs)
        if page.service is not None:
            return pages.ServiceInterestForm(data, prefix=None, **kwargs)
        if page.key == "contact":
            return pages.ContactForm(data, **kwargs)
        return PROFILE_PAGES[page.key](data, **kwargs)

    def keep(self, page, form):
        """Remember what was typed on a page, only its own fields, and only the values it checked.

        A single-value field sent more than once reads its last copy; the others, never checked,
        are not kept (one with a NUL in it would break the update saved in PostgreSQL).
        """
        self.answers[page.key] = {
            name: form.data.getlist(name)
            if getattr(field.widget, "allow_multiple_selected", False)
            else form.data.getlist(name)[-1:]
            for name, field in form.fields.items()
        }

    def cleaned(self):
        """Every page's cleaned answers; IncompleteAnswers names the first page to fix."""
        result = {}
        for page in self.pages():
            if page.key not in self.answers:
                raise IncompleteAnswers(page.key)
            form = self.form(page)
            if not form.is_valid():
                raise IncompleteAnswers(page.key)
            result[page.key] = form.cleaned_data
        return result

    def checked(self):
        """The answers, validated once, as the writes take them; IncompleteAnswers if not complete."""
        cleaned = self.cleaned()
        return RegistrationAnswers(
            survey=self.survey,
            pages=self.answers,
            cleaned=cleaned,
            organisation=organisation_values(cleaned),
            wards=tuple(cleaned["where"]["wards"]),
            services=tuple(self.chosen_services()),
        )

    def first_unanswered(self):
        try:
            self.cleaned()
        except IncompleteAnswers as missing:
            return missing.page
        return None

    def summary(self):
        """(page, [(label, shown value)]) for the check-your-answers page."""
        rows = []
        for page in self.pages():
            form = self.form(page)
            if not form.is_bound or not form.is_valid():
                continue
            rows.append((page, _readable(form)))
        return rows


def _readable(form):
    return [
        (str(field.label), _shown(field, form.cleaned_data.get(name)) or "Not given")
        for name, field in form.fields.items()
        if name != HONEYPOT
    ]


def _shown(field, value):
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(item) for item in value)
    labels = {str(key): str(label) for key, label in getattr(field, "choices", [])}
    if isinstance(value, list | tuple):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    if labels:
        return labels.get(str(value), "")
    return "" if value is None else str(value)


def answers_from_organisation(organisation, *, survey):
    """The answers that describe an organisation's approved record, page by page."""
    o = organisation
    answers = {
        "about": {"name": [o.name], "description": [o.description]},
        "type": {
            "org_type": [o.org_type],
            "charity_regulator": [o.charity_regulator],
            "charity_number": [o.charity_number],
            "company_number": [o.company_number],
            "society_number": [o.society_number],
        },
        "where": {
            "area": ["borough" if o.borough_wide else "wards"],
            "wards": [] if o.borough_wide else [w.gss_code for w in o.wards.all()],
        },
        "size": {
            "volunteers": [_text(o.volunteers)],
            "paid_staff": [_text(o.paid_staff)],
            "income_band": [o.income_band],
            "year_founded": [_text(o.year_founded)],
            "safeguarding_policy": ["yes" if o.safeguarding_policy else "no"],
            "public_liability_insurance": ["yes" if o.public_liability_insurance else "no"],
        },
        "contact": {
            "contact_name": [o.contact_name],
            "contact_email": [o.contact_email],
            "contact_phone": [o.contact_phone],
            "postcode": [o.postcode],
            "website": [o.website],
            "public_email": [o.public_email],
            "public_phone": [o.public_phone],
            "consent": ["on"] if o.consent_at else [],
            HONEYPOT: [""],
        },
    }
    if survey is not None:
        interests = list(
            Interest.objects.current().filter(organisation=o, survey=survey).select_related("service_area")
        )
        answers["services"] = {"services": [i.service_area.slug for i in interests]}
        for interest in interests:
            answers[SERVICE_PREFIX + interest.service_area.slug] = interest_answers(interest)
    return answers


def interest_answers(interest):
    return {
        "roles": [r for r, on in (("deliver", interest.delivers), ("co_govern", interest.co_governs)) if on],
        "involvement": [interest.involvement],
        "readiness": [interest.readiness],
        "volunteers_offered": [_text(interest.volunteers_offered)],
        "hours_per_week": [_text(interest.hours_per_week)],
        "support_needed": list(interest.support_needed or []),
        "costs": [interest.costs],
        "benefits": [interest.benefits],
        "concerns": [interest.concerns],
    }


def _text(number):
    return "" if number is None else str(number)


def checked_answers(pages, *, survey):
    """Answers kept as typed (an update waiting for review), checked again, page by page."""
    return Journey(pages, survey=survey, services=services_for_round(survey)).checked()
