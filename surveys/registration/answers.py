"""A group's registration answers, checked once by the journey, as the writes take them.

The journey (journey.py) turns its pages into a `RegistrationAnswers`; the writes (services.py,
and moderation's when an update is accepted) take it and never see a form or a page.
"""

from dataclasses import dataclass
from typing import Any

from services.models import ServiceArea

from ..models import Interest, Survey

# The page of the journey, and of the cleaned answers, holding a chosen service's answers.
SERVICE_PREFIX = "service-"


@dataclass(frozen=True)
class RegistrationAnswers:
    """One group's checked answers: its record's values, its wards and the services it chose."""

    survey: Survey | None
    pages: dict[str, dict[str, list[str]]]  # as typed, page by page: what an update keeps for review
    cleaned: dict[str, dict[str, Any]]  # the same pages, checked
    organisation: dict[str, Any]  # Organisation field values
    wards: tuple
    services: tuple[ServiceArea, ...]  # chosen in the round, in the journey's order

    def chosen_services(self):
        return list(self.services)


def organisation_values(cleaned):
    """Organisation field values from the cleaned profile and contact pages."""
    about, kind, where, size, contact = (
        cleaned["about"],
        cleaned["type"],
        cleaned["where"],
        cleaned["size"],
        cleaned["contact"],
    )
    return {
        "name": about["name"].strip(),
        "description": about["description"].strip(),
        "org_type": kind["org_type"],
        "charity_regulator": kind["charity_regulator"] if kind["charity_number"] else "",
        "charity_number": kind["charity_number"],
        "company_number": kind["company_number"],
        "society_number": kind["society_number"],
        "borough_wide": where["area"] == "borough",
        "volunteers": size["volunteers"],
        "paid_staff": size["paid_staff"],
        "income_band": size["income_band"],
        "year_founded": size["year_founded"],
        "safeguarding_policy": size["safeguarding_policy"] == "yes",
        "public_liability_insurance": size["public_liability_insurance"] == "yes",
        "contact_name": contact["contact_name"].strip(),
        "contact_email": contact["contact_email"],
        "contact_phone": contact["contact_phone"].strip(),
        "postcode": contact["postcode"],
        "website": contact["website"],
        "public_email": contact["public_email"],
        "public_phone": contact["public_phone"].strip(),
    }


def interest_values(cleaned_page):
    """Interest field values from one chosen service's cleaned page."""
    return {
        "delivers": "deliver" in cleaned_page["roles"],
        "co_governs": "co_govern" in cleaned_page["roles"],
        "involvement": cleaned_page["involvement"],
        "readiness": cleaned_page["readiness"],
        "volunteers_offered": cleaned_page["volunteers_offered"],
        "hours_per_week": cleaned_page["hours_per_week"],
        "support_needed": [v for v in Interest.Support.values if v in cleaned_page["support_needed"]],
        "costs": cleaned_page["costs"].strip(),
        "benefits": cleaned_page["benefits"].strip(),
        "concerns": cleaned_page["concerns"].strip(),
    }
