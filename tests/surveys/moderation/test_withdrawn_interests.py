"""A group withdraws a service through its update link: the officer's assessment survives."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from surveys.models import Assessment, Interest, OrganisationUpdate
from surveys.moderation.services import update_accept
from surveys.officers.selectors import dashboard, service_capacity
from surveys.privacy import organisation_data

from .test_moderation_and_updates import _approve, _matrix_grid, registered  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def _send_update(client, token, services, **service_pages):
    step = lambda key: reverse("surveys:update_step", args=[token, key])  # noqa: E731
    client.post(step("services") + "?change=1", {"services": services})
    for slug, answers in service_pages.items():
        client.post(step(f"service-{slug}") + "?change=1", answers)
    client.post(reverse("surveys:update_check", args=[token]))
    return OrganisationUpdate.objects.filter(status="pending").get()


@pytest.fixture
def assessed(client, officer, borough, registered):  # noqa: F811
    """The group approved, and an officer's assessment of its day care offer."""
    token = _approve(registered, officer)
    day_care = Interest.objects.get(organisation=registered, service_area=borough["day_care"])
    Assessment.objects.create(
        interest=day_care,
        risk_rating="medium",
        recommendation="pilot",
        notes="Met the trustees.",
        author=officer,
    )
    return registered, day_care, token


@pytest.mark.django_db
def test_accepting_a_withdrawal_keeps_the_assessment_and_the_interest_as_withdrawn(
    client, officer, borough, assessed
):
    organisation, day_care, token = assessed
    update = _send_update(client, token, ["parks"])
    update_accept(update=update, reviewer=officer)

    day_care.refresh_from_db()
    assert day_care.withdrawn_at is not None
    assert Assessment.objects.get(interest=day_care).notes == "Met the trustees."
    # Out of the matrix, its footers, the service's capacity and the dashboard's count.
    assert _matrix_grid(borough["current"])["Friends of Riverside Park"] == {"parks": "D+G"}
    assert Interest.objects.current().filter(organisation=organisation).count() == 1
    capacity = service_capacity(service=borough["day_care"], survey=borough["current"])
    assert organisation not in [i.organisation for i in capacity.interests]
    assert [i.organisation for i in capacity.withdrawn] == [organisation]
    before = dashboard(survey=borough["current"], stale_before=organisation.created_at).interests
    assert (
        before
        == Interest.objects.current().of_approved_organisations().filter(survey=borough["current"]).count()
    )


@pytest.mark.django_db
def test_a_withdrawn_service_added_again_is_current_with_its_assessment(client, officer, borough, assessed):
    organisation, day_care, token = assessed
    update_accept(update=_send_update(client, token, ["parks"]), reviewer=officer)
    token = _approve_again(organisation)
    update = _send_update(
        client,
        token,
        ["parks", "day-care"],
        **{"day-care": {"roles": ["co_govern"], "involvement": "governance_seat", "readiness": "future"}},
    )
    client.force_login(officer)
    review = client.get(reverse("surveys:moderation_update", args=[update.pk])).content.decode()
    assert "Added again — the officer’s earlier assessment applies again" in review
    update_accept(update=update, reviewer=officer)
    again = Interest.objects.get(organisation=organisation, service_area=borough["day_care"])
    assert again.pk == day_care.pk and again.withdrawn_at is None and again.readiness == "future"
    assert again.assessment.notes == "Met the trustees."
    assert _matrix_grid(borough["current"])["Friends of Riverside Park"] == {"parks": "D+G", "day-care": "G"}


def _approve_again(organisation):
    from surveys.tokens import update_token

    organisation.refresh_from_db()
    return update_token(organisation)


@pytest.mark.django_db
def test_the_diff_says_what_accepting_does_and_the_pages_show_the_withdrawal(
    client, officer, borough, assessed
):
    organisation, day_care, token = assessed
    update = _send_update(client, token, ["parks"])
    client.force_login(officer)
    review = client.get(reverse("surveys:moderation_update", args=[update.pk])).content.decode()
    assert "Withdrawn — the officer’s assessment is kept, marked withdrawn" in review
    client.post(reverse("surveys:moderation_update", args=[update.pk]), {"action": "accept"})

    profile = client.get(reverse("organisations:detail", args=[organisation.slug])).content.decode()
    row = profile.split(">Day care</a>")[1].split("</tr>")[0]
    assert "Withdrawn" in row and "Pilot" in row
    service = client.get(reverse("services:detail", args=["day-care"])).content.decode()
    groups = service.split("Groups that could deliver or co-govern it")[1].split("Withdrawn offers")[0]
    assert "Friends of Riverside Park" not in groups
    withdrawn = service.split("Withdrawn offers")[1]
    assert "Friends of Riverside Park" in withdrawn and "Pilot" in withdrawn


@pytest.mark.django_db
def test_the_groups_data_download_marks_a_withdrawn_offer(client, officer, borough, assessed):
    organisation, day_care, token = assessed
    update_accept(update=_send_update(client, token, ["parks"]), reviewer=officer)
    offers = {i["service"]: i["withdrawn_at"] for i in organisation_data(organisation)["interests"]}
    assert offers["Parks"] is None and offers["Day care"] is not None
