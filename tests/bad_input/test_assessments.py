"""Bad input on the officers' assessment form."""

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from surveys.models import Assessment, Interest

from .kit import Visitor, _examples, added_rows, answer, example_state, last_value, row_counts
from .test_registration import some_data

POUNDS = ("", "12000", "£12,000", "12,000.50", "-5", "1e400", "NaN", "12.345", "9999999999999")


@pytest.mark.django_db
@_examples("officer assessment form")
@given(
    sent=some_data(
        {
            "estimated_cost": answer(*POUNDS),
            "estimated_saving": answer(*POUNDS),
            "social_value": answer("", "Local jobs."),
            "risks": answer(""),
            "risk_rating": answer(*Assessment.RiskRating.values, "catastrophic"),
            "recommendation": answer(*Assessment.Recommendation.values, "outsource"),
            "notes": answer(""),
        },
        {
            "estimated_cost": "£12,000",
            "social_value": "Local jobs.",
            "risk_rating": "low",
            "recommendation": "pilot",
        },
    ),
    target=st.sampled_from(["this", "this", "this", "other service", "pending group", "no such", "huge"]),
    twice=st.booleans(),
)
def test_an_assessment_is_saved_whole_or_not_at_all(
    borough, officer, django_capture_on_commit_callbacks, sent, target, twice
):
    interest = Interest.objects.get(organisation=borough["friends"], service_area=borough["parks"])
    pending = Interest.objects.get(organisation__slug="pending")
    url = {
        "this": reverse("services:assess", args=["parks", interest.pk]),
        "other service": reverse("services:assess", args=["day-care", interest.pk]),
        "pending group": reverse("services:assess", args=["day-care", pending.pk]),
        "no such": reverse("services:assess", args=["parks", 999_999]),
        "huge": f"/services/parks/assessments/{10**30}/",
    }[target]
    with example_state():
        visitor = Visitor(django_capture_on_commit_callbacks)
        visitor.client.force_login(officer)
        for attempt in range(2 if twice else 1):
            before = row_counts()
            response = visitor.post(url, sent)
            added = added_rows(before)
            if target != "this":
                assert response.status_code == 404
                assert added == {}
            elif response.status_code == 302:
                saved = Assessment.objects.get(interest=interest)
                assert saved.author == officer
                assert saved.risk_rating == last_value(sent, "risk_rating")
                assert added in ({"Assessment": 1}, {})  # the second time, the same one is changed
            else:
                assert "There is a problem" in response.content.decode()
                assert added == {}
                assert attempt or not Assessment.objects.filter(interest=interest).exists()
            event(f"{target}: {response.status_code}")
