import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from surveys.models import Interest, Survey


@pytest.mark.django_db
def test_one_interest_per_survey_organisation_and_service(make_interest):
    interest = make_interest()
    with pytest.raises(IntegrityError), transaction.atomic():
        Interest.objects.create(
            survey=interest.survey,
            organisation=interest.organisation,
            service_area=interest.service_area,
            co_governs=True,
            involvement=Interest.Involvement.GOVERNANCE_SEAT,
            readiness=Interest.Readiness.FUTURE,
        )
    assert Interest.objects.count() == 1


@pytest.mark.django_db
def test_same_service_in_another_round_is_allowed(make_interest, make_survey):
    interest = make_interest()
    last_year = make_survey(
        opens_at=interest.survey.opens_at - datetime.timedelta(days=365),
        closes_at=interest.survey.closes_at - datetime.timedelta(days=365),
    )
    make_interest(
        survey=last_year,
        organisation=interest.organisation,
        service_area=interest.service_area,
    )
    assert Interest.objects.filter(organisation=interest.organisation).count() == 2


@pytest.mark.django_db
def test_an_interest_must_deliver_or_co_govern(make_interest):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_interest(delivers=False, co_governs=False)
    assert Interest.objects.count() == 0


@pytest.mark.django_db
def test_interest_validation_names_the_field(make_interest):
    interest = make_interest()
    interest.delivers = interest.co_governs = False
    interest.support_needed = ["funding", "tea"]
    with pytest.raises(ValidationError) as error:
        interest.full_clean()
    assert set(error.value.message_dict) == {"delivers", "support_needed"}


@pytest.mark.django_db
def test_interest_support_is_kept_in_choice_order(make_interest):
    interest = make_interest(support_needed=["training", "funding"])
    interest.full_clean()
    assert interest.support_needed == ["funding", "training"]
    assert interest.support_needed_labels() == ["Funding", "Training"]
    assert interest.roles_code == "D"


@pytest.mark.django_db
def test_interests_belong_to_capacity_rounds(make_interest, make_survey):
    interest = make_interest(survey=make_survey(kind=Survey.Kind.RESIDENT_VIEWS))
    with pytest.raises(ValidationError) as error:
        interest.full_clean()
    assert "survey" in error.value.message_dict


@pytest.mark.django_db
def test_a_round_must_close_after_it_opens(make_survey):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_survey(opens_at=now, closes_at=now - datetime.timedelta(days=1))


@pytest.mark.django_db
def test_open_rounds_and_covered_services(make_survey, make_service):
    now = timezone.now()
    open_round = make_survey()
    make_survey(opens_at=now - datetime.timedelta(days=400), closes_at=now - datetime.timedelta(days=300))
    assert list(Survey.objects.open_at(now)) == [open_round]
    parks, _closed = make_service(), make_service(open_to_interest=False)
    assert list(open_round.covered_services()) == [parks]
    museums = make_service()
    open_round.services.set([museums])
    assert list(open_round.covered_services()) == [museums]
