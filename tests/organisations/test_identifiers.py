import pytest
from django.core.exceptions import ValidationError

from organisations import identifiers
from organisations.models import Organisation


@pytest.mark.parametrize(
    ("regulator", "typed", "org_id"),
    [
        ("ccew", "1123456", "GB-CHC-1123456"),
        ("ccew", "212 345", "GB-CHC-212345"),
        ("oscr", "SC012345", "GB-SC-SC012345"),
        ("oscr", "sc 012345", "GB-SC-SC012345"),
        ("ccni", "100123", "GB-NIC-100123"),
        ("ccni", "NIC100123", "GB-NIC-100123"),
    ],
)
def test_valid_charity_numbers_give_their_org_id(regulator, typed, org_id):
    identifiers.validate_charity_number(typed, regulator)
    assert identifiers.org_id_for(charity_number=typed, charity_regulator=regulator) == org_id


@pytest.mark.parametrize(
    ("regulator", "typed", "message"),
    [
        ("ccew", "12345", "6 or 7 digits"),
        ("ccew", "12345678", "6 or 7 digits"),
        ("ccew", "SC012345", "6 or 7 digits"),
        ("oscr", "SC12345", "SC followed by 6 digits"),
        ("oscr", "NI012345", "SC followed by 6 digits"),
        ("ccni", "200123", "starting with 1"),
        ("ccni", "10012", "starting with 1"),
        ("", "1123456", "Select which regulator"),
    ],
)
def test_invalid_charity_numbers_are_refused_with_a_clear_message(regulator, typed, message):
    with pytest.raises(ValidationError) as error:
        identifiers.validate_charity_number(typed, regulator)
    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "org_id"),
    [
        ("01234567", "GB-COH-01234567"),
        ("1234567", "GB-COH-01234567"),
        ("SC123456", "GB-COH-SC123456"),
        ("ni 123456", "GB-COH-NI123456"),
        ("OC301234", "GB-COH-OC301234"),
    ],
)
def test_valid_company_numbers(typed, org_id):
    identifiers.validate_company_number(typed)
    assert identifiers.org_id_for(company_number=typed) == org_id


@pytest.mark.parametrize("typed", ["123456789", "ABC12345", "SC12345", "XX123456", "12-34-56-78-9"])
def test_invalid_company_numbers(typed):
    with pytest.raises(ValidationError, match="8 digits"):
        identifiers.validate_company_number(typed)


@pytest.mark.parametrize(
    ("typed", "org_id"),
    [("31234R", "GB-MPR-31234R"), ("IP31234R", "GB-MPR-31234R"), ("4560", "GB-MPR-4560")],
)
def test_valid_society_numbers(typed, org_id):
    identifiers.validate_society_number(typed)
    assert identifiers.org_id_for(society_number=typed) == org_id


@pytest.mark.parametrize("typed", ["R31234", "1234567R", "ABCDE", "31234RR"])
def test_invalid_society_numbers(typed):
    with pytest.raises(ValidationError, match="up to 6 digits"):
        identifiers.validate_society_number(typed)


def test_org_id_prefers_charity_then_company_then_society():
    assert (
        identifiers.org_id_for(
            charity_number="1123456",
            charity_regulator="ccew",
            company_number="01234567",
            society_number="31234R",
        )
        == "GB-CHC-1123456"
    )
    assert identifiers.org_id_for(company_number="01234567", society_number="31234R") == "GB-COH-01234567"


@pytest.mark.django_db
def test_unregistered_groups_get_an_internal_org_id(make_organisation, settings):
    settings.ORG_ID_INTERNAL_PREFIX = "XI-CAPMAP"
    group = make_organisation()
    assert group.org_id == f"XI-CAPMAP-{group.pk:06d}"
    assert not group.is_registered


@pytest.mark.django_db
def test_full_clean_normalises_numbers_and_reports_each_bad_field(make_organisation):
    group = make_organisation(
        charity_number="sc 012345",
        charity_regulator="oscr",
        company_number="1234567",
        postcode="aw12ab",
    )
    group.full_clean()
    assert (group.charity_number, group.company_number, group.postcode) == (
        "SC012345",
        "01234567",
        "AW1 2AB",
    )
    assert group.org_id == "GB-SC-SC012345"

    group.charity_number, group.company_number, group.society_number = "12", "ABC", "R1"
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert set(error.value.message_dict) == {"charity_number", "company_number", "society_number"}


@pytest.mark.django_db
def test_charity_number_needs_its_regulator(make_organisation):
    group = make_organisation()
    group.charity_number = "1123456"
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "charity_regulator" in error.value.message_dict


def test_eleven_organisation_types():
    assert len(Organisation.OrgType.choices) == 11
