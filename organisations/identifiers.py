"""UK registration numbers: normalising, validating per regulator, and the org-id they give.

The org-id prefixes are those of org-id.guide: GB-CHC (Charity Commission for England and
Wales), GB-SC (OSCR, Scotland), GB-NIC (Charity Commission for Northern Ireland), GB-COH
(Companies House) and GB-MPR (the FCA Mutuals Public Register of co-operative and community
benefit societies).
"""

import re

from django.core.exceptions import ValidationError

CHARITY_FORMATS = {
    # regulator: (pattern of the normalised number, org-id prefix, example for messages)
    "ccew": (re.compile(r"^[0-9]{6,7}$"), "GB-CHC", "1123456"),
    "oscr": (re.compile(r"^SC[0-9]{6}$"), "GB-SC", "SC012345"),
    "ccni": (re.compile(r"^1[0-9]{5}$"), "GB-NIC", "100123"),
}
COMPANY_PATTERN = re.compile(r"^([0-9]{8}|(SC|NI|OC|SO|NC|R0|IP|SP|NP|RS|CE|CS|SE|FC|GE|LP|SL)[0-9]{6})$")
SOCIETY_PATTERN = re.compile(r"^[0-9]{1,6}R?$")


def _squash(value):
    return re.sub(r"[\s\-./]", "", value or "").upper()


def normalise_charity_number(value, regulator):
    number = _squash(value)
    if regulator == "ccni" and number.startswith("NIC"):
        number = number[3:]
    if regulator == "oscr" and number.isdigit() and len(number) == 6:
        number = "SC" + number
    return number


def normalise_company_number(value):
    number = _squash(value)
    if number.isdigit() and len(number) < 8:
        number = number.zfill(8)
    return number


def normalise_society_number(value):
    number = _squash(value)
    if number.startswith("IP"):
        number = number[2:]
    return number


def validate_charity_number(value, regulator):
    """Raise ValidationError unless `value` is a well-formed number for `regulator`."""
    if regulator not in CHARITY_FORMATS:
        raise ValidationError("Select which regulator the charity is registered with.")
    pattern, _prefix, example = CHARITY_FORMATS[regulator]
    if not pattern.match(normalise_charity_number(value, regulator)):
        names = {
            "ccew": "An England and Wales charity number is 6 or 7 digits",
            "oscr": "A Scottish charity number is SC followed by 6 digits",
            "ccni": "A Northern Ireland charity number is 6 digits starting with 1",
        }
        raise ValidationError(f"{names[regulator]}, like {example}.")


def validate_company_number(value):
    if not COMPANY_PATTERN.match(normalise_company_number(value)):
        raise ValidationError(
            "A company number is 8 digits, or 2 letters and 6 digits, like 01234567 or SC123456."
        )


def validate_society_number(value):
    if not SOCIETY_PATTERN.match(normalise_society_number(value)):
        raise ValidationError(
            "A society register number is up to 6 digits, sometimes followed by R, like 31234R."
        )


def org_id_for(
    *,
    charity_number="",
    charity_regulator="",
    company_number="",
    society_number="",
    internal_id=None,
    internal_prefix="XI-CAPMAP",
):
    """The org-id for an organisation: charity first, then company, then society, else internal."""
    if charity_number and charity_regulator in CHARITY_FORMATS:
        prefix = CHARITY_FORMATS[charity_regulator][1]
        return f"{prefix}-{normalise_charity_number(charity_number, charity_regulator)}"
    if company_number:
        return f"GB-COH-{normalise_company_number(company_number)}"
    if society_number:
        return f"GB-MPR-{normalise_society_number(society_number)}"
    if internal_id is None:
        return ""
    return f"{internal_prefix}-{internal_id:06d}"
