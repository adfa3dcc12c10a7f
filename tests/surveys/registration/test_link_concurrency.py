"""One update link used by several requests at the same moment is used once."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys.tokens import update_token
from tests.concurrency import race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real concurrent connections with row locks (PostgreSQL)"
)

USES = 8


@pytest.mark.django_db(transaction=True)
def test_eight_confirmations_through_one_link_confirm_once(borough):
    friends = borough["friends"]
    url = reverse("surveys:update_confirm", args=[update_token(friends)])
    history_before = friends.history.count()

    def confirm():
        response = Client().post(url)
        page = response.content.decode()
        if response.status_code == 200 and "Thank you for confirming" in page:
            return "confirmed"
        if response.status_code == 410 and "This link has already been used" in page:
            return "used"
        return f"{response.status_code}: {page[:200]}"

    outcomes = [repr(o) if isinstance(o, Exception) else o for o in race(*[confirm] * USES)]

    assert sorted(outcomes) == ["confirmed"] + ["used"] * (USES - 1)
    friends.refresh_from_db()
    assert friends.last_confirmed_at is not None
    confirmations = friends.history.filter(
        history_change_reason="Confirmed by the group: nothing has changed"
    )
    assert confirmations.count() == 1
    assert friends.history.count() == history_before + 1
    assert confirmations.get().last_confirmed_at == friends.last_confirmed_at
