"""An email backend that acts as a mail server that is down, for tests."""

from django.core.mail.backends.base import BaseEmailBackend

DOWN = "tests.fakes.mail.MailServerDown"


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")
