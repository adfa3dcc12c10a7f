"""GOV.UK Notify as a Django email backend, through the official notifications-python-client.

Notify sends only from templates, so the council makes one email template whose subject is
((subject)) and whose body is ((body)); every email of the service goes through it.
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient


class PermanentEmailError(Exception):
    """The provider refused this email for a reason that trying again will not change."""


# How a permanent refusal's message starts, as kept in Email.last_error: the daily retry skips it.
REFUSED = "GOV.UK Notify refused the email"


# Notify answers 400 for a message it will never accept (a malformed address, a missing
# personalisation field); 403 (a bad key), 429 (rate limit) and 5xx may pass, so are retried.
PERMANENT_STATUSES = {400}


class NotifyEmailBackend(BaseEmailBackend):
    """Send each recipient of each message as one Notify email; keeps Notify's id on the message."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.EMAIL_TIMEOUT
        )

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            references = []
            for address in message.recipients():
                try:
                    response = self.client.send_email_notification(
                        email_address=address,
                        template_id=settings.NOTIFY_TEMPLATE_ID,
                        personalisation={"subject": message.subject, "body": message.body},
                        reference=message.extra_headers.get("X-Capacity-Map-Reference") or None,
                        email_reply_to_id=settings.NOTIFY_REPLY_TO_ID or None,
                    )
                except HTTPError as error:
                    if self.fail_silently:
                        continue
                    if error.status_code in PERMANENT_STATUSES:
                        raise PermanentEmailError(f"{REFUSED}: {error}") from error
                    raise
                references.append(response.get("id", ""))
            message.provider_reference = ",".join(filter(None, references))
            sent += 1
        return sent
