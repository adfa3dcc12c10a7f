"""Background work for the outbox, run by the task worker (`manage.py db_worker`)."""

from django_tasks import task


@task()
def send_email(email_id: int) -> str:
    """Try to send one queued email; a failure is retried later by a new task."""
    from .services import email_send

    return email_send(email_id=email_id)
