"""Run calls at the same moment, each in its own thread and database connection (PostgreSQL)."""

import threading

from django.db import connections

from outbox.models import Email


def race(*calls, timeout=60):
    """Release every call together; what each returned, or the exception it raised."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - any failure must show in the caller's assertion
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def emails_to(address):
    """The kinds of email queued for an address, oldest first."""
    return list(Email.objects.filter(to=address).order_by("pk").values_list("kind", flat=True))
