"""Moderators see what the service has emailed, what is waiting and what failed, and send again."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from capacity_map.access import OfficerRequiredMixin

from .models import Email
from .selectors import outbox_counts, outbox_list
from .services import email_resend

TABS = [
    ("", "All"),
    (Email.Status.QUEUED, "Waiting to send"),
    (Email.Status.FAILED, "Failed"),
    (Email.Status.SENT, "Sent"),
]


class OutboxView(OfficerRequiredMixin, TemplateView):
    """The outbox, newest first. Bodies are not shown: they hold groups' private update links."""

    template_name = "outbox/email_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        if status not in Email.Status.values:
            status = ""
        counts = outbox_counts()
        tabs = [
            (value, label, sum(counts.values()) if not value else counts[value], value == status)
            for value, label in TABS
        ]
        page = Paginator(outbox_list(status=status), 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, tabs=tabs, status=status, **kwargs)


class ResendView(OfficerRequiredMixin, View):
    def post(self, request, pk):
        email = get_object_or_404(Email, pk=pk)
        if email.status not in (Email.Status.FAILED, Email.Status.QUEUED):
            messages.error(request, f"The email to {email.to} has already been sent.")
        else:
            email_resend(email=email)
            messages.success(request, f"The email to {email.to} will be sent again in the next minute.")
        status = request.POST.get("status", "")
        url = reverse("outbox:list")
        return redirect(f"{url}?status={status}" if status in Email.Status.values else url)
