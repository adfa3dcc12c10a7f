"""Two moderators accepting the same pending update at the same moment apply it once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from surveys import services
from surveys.journey import answers_from_organisation
from surveys.models import OrganisationUpdate

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two real connections with row locks (PostgreSQL)"
)


@pytest.mark.django_db(transaction=True)
def test_the_same_update_is_applied_once(borough, officer, admin_user_):
    friends = borough["friends"]
    answers = answers_from_organisation(friends, survey=borough["current"])
    answers["size"]["volunteers"] = ["77"]
    answers["contact"].update(contact_name=["Ada Lovelace"], consent=["on"])
    update = OrganisationUpdate.objects.create(
        organisation=friends, survey=borough["current"], answers=answers
    )
    history_before = friends.history.count()
    start = threading.Barrier(2)
    outcomes = []

    def accept(reviewer):
        try:
            start.wait(timeout=10)
            services.update_accept(update=update, reviewer=reviewer)
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except Exception as error:  # noqa: BLE001 - any other failure must show in the assertion
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (officer, admin_user_)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["This update has already been dealt with.", "accepted"]
    update.refresh_from_db()
    friends.refresh_from_db()
    assert update.status == "accepted" and friends.volunteers == 77
    assert friends.history.count() == history_before + 1
