"""One update link used by several requests at the same moment is used once."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from surveys.tokens import update_token

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real concurrent connections with row locks (PostgreSQL)"
)

USES = 8


@pytest.mark.django_db(transaction=True)
def test_eight_confirmations_through_one_link_confirm_once(borough):
    friends = borough["friends"]
    url = reverse("surveys:update_confirm", args=[update_token(friends)])
    history_before = friends.history.count()
    start = threading.Barrier(USES)
    outcomes = []

    def confirm():
        try:
            client = Client()
            start.wait(timeout=10)
            response = client.post(url)
            page = response.content.decode()
            if response.status_code == 200 and "Thank you for confirming" in page:
                outcomes.append("confirmed")
            elif response.status_code == 410 and "This link has already been used" in page:
                outcomes.append("used")
            else:
                outcomes.append(f"{response.status_code}: {page[:200]}")
        except Exception as error:  # noqa: BLE001 - any other failure must show in the assertion
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(USES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["confirmed"] + ["used"] * (USES - 1)
    friends.refresh_from_db()
    assert friends.last_confirmed_at is not None
    confirmations = friends.history.filter(
        history_change_reason="Confirmed by the group: nothing has changed"
    )
    assert confirmations.count() == 1
    assert friends.history.count() == history_before + 1
    assert confirmations.get().last_confirmed_at == friends.last_confirmed_at
