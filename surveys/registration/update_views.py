"""A group keeping its record up to date through its link: review, confirm, download, delete."""

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from capacity_map.ratelimit import allow

from ..models import OrganisationUpdate
from ..privacy import organisation_data
from ..rounds import services_for_round
from ..tasks import update_link_request_send
from .forms import LinkRequestForm
from .journey import Journey, answers_from_organisation
from .services import erasure_request, organisation_confirm
from .views import UpdateJourneyMixin


@method_decorator(never_cache, name="dispatch")
class LinkRequestView(View):
    """Ask for a new link; the answer is the same whether or not the address is known."""

    def get(self, request):
        return render(request, "surveys/registration/update/request.html", {"form": LinkRequestForm()})

    def post(self, request):
        form = LinkRequestForm(request.POST)
        if not form.is_valid():
            return render(request, "surveys/registration/update/request.html", {"form": form})
        if not allow(request, scope="update-link"):
            return render(request, "surveys/registration/too_many.html", status=429)
        update_link_request_send.enqueue(form.cleaned_data["email"])
        return redirect("surveys:update_requested")


@method_decorator(never_cache, name="dispatch")
class LinkRequestedView(View):
    def get(self, request):
        return render(request, "surveys/registration/update/requested.html")


class UpdateHomeView(UpdateJourneyMixin, View):
    """Everything the council holds about the group, and what it can do from here."""

    def get(self, request, token):
        current = Journey(
            answers_from_organisation(self.organisation, survey=self.survey),
            survey=self.survey,
            services=services_for_round(self.survey),
        )
        pending = self.organisation.updates.filter(status=OrganisationUpdate.Status.PENDING).exists()
        return render(
            request,
            "surveys/registration/update/home.html",
            self.context(
                token=token,
                summary=current.summary(),
                pending=pending,
                draft=self.session_key() in request.session,
            ),
        )


class ConfirmView(UpdateJourneyMixin, View):
    def post(self, request, token):
        organisation_confirm(organisation=self.organisation, nonce=self.nonce)
        request.session.pop(self.session_key(), None)
        return render(
            request,
            "surveys/registration/update/finished.html",
            {
                "heading": "Thank you for confirming",
                "message": f"We have noted that nothing has changed for {self.organisation.name} "
                f"on {timezone.localdate():%-d %B %Y}. This link no longer works; we will send "
                "a new one when it is time to check again.",
            },
        )


class EraseRequestView(UpdateJourneyMixin, View):
    def post(self, request, token):
        erasure_request(organisation=self.organisation, nonce=self.nonce)
        request.session.pop(self.session_key(), None)
        return render(
            request,
            "surveys/registration/update/finished.html",
            {
                "heading": "We have your request to delete your record",
                "message": "A council officer will remove your group’s personal data, usually within "
                "one month, and will not contact you again about this record.",
            },
        )


class DataDownloadView(UpdateJourneyMixin, View):
    def get(self, request, token):
        data = organisation_data(self.organisation)
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.organisation.reference}.json"'
        return response


@method_decorator(never_cache, name="dispatch")
class UpdateSentView(View):
    def get(self, request):
        return render(
            request,
            "surveys/registration/update/finished.html",
            {
                "heading": "Your changes have been sent",
                "message": "A council officer will check them. Until then, officers see your previous "
                "answers. We will email you when your changes are accepted, with a new link.",
            },
        )
