"""Work the task worker does for surveys (`manage.py db_worker`)."""

from django_tasks import task


@task()
def update_link_request_send(email: str) -> str:
    """Look up the address and email any group it belongs to a new link.

    Done by the worker, not the request, so the page does the same work, in the same time,
    whether or not the address is registered.
    """
    from .registration.services import update_link_request

    update_link_request(email=email)
    return "done"
