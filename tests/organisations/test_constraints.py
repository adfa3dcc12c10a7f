import pytest
from django.db import IntegrityError, transaction

from organisations.models import Organisation


@pytest.mark.django_db
def test_database_refuses_a_rejection_without_a_reason(make_organisation):
    group = make_organisation(status="pending")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=group.pk).update(status="rejected", status_reason="")
    group.refresh_from_db()
    assert group.status == "pending"


@pytest.mark.django_db
def test_database_refuses_a_charity_number_without_a_regulator(make_organisation):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_organisation(charity_number="1123456", charity_regulator="")


@pytest.mark.django_db
def test_serving_ward_counts_borough_wide_groups(make_organisation, make_ward):
    north, south = make_ward(), make_ward()
    local = make_organisation(wards=[north])
    everywhere = make_organisation(borough_wide=True)
    make_organisation(wards=[south])
    assert set(Organisation.objects.serving_ward(north)) == {local, everywhere}
