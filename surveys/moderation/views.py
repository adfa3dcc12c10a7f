"""Moderators (officers and admins) approve or reject registrations and groups' updates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from capacity_map.access import OfficerRequiredMixin
from organisations.forms import ReasonForm
from organisations.models import Organisation
from organisations.services import decision_summary

from ..models import OrganisationUpdate
from ..officers.selectors import organisation_profile
from ..privacy import organisation_erase
from .selectors import likely_duplicates_of, moderation_queue, update_changes
from .services import registration_approve, registration_reject, update_accept, update_reject


class QueueView(OfficerRequiredMixin, TemplateView):
    template_name = "surveys/moderation/queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(queue=moderation_queue(), **kwargs)


class RegistrationReviewView(OfficerRequiredMixin, View):
    template_name = "surveys/moderation/registration.html"

    def get(self, request, pk, reason_form=None):
        organisation = get_object_or_404(Organisation.objects.select_related("reviewed_by"), pk=pk)
        return render(
            request,
            self.template_name,
            {
                "organisation": organisation,
                "profile": organisation_profile(organisation),
                "duplicates": likely_duplicates_of(organisation),
                "decision": decision_summary(organisation),
                "form": reason_form or ReasonForm(),
            },
            status=400 if reason_form else 200,
        )

    def post(self, request, pk):
        organisation = get_object_or_404(Organisation, pk=pk)
        action = request.POST.get("action")
        try:
            # The services lock the record and refuse a decision someone else has already made.
            if action == "approve":
                registration_approve(organisation=organisation, reviewer=request.user)
                messages.success(request, f"{organisation.name} is approved and has been emailed a link.")
            elif action == "reject":
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    return self.get(request, pk, reason_form=form)
                registration_reject(
                    organisation=organisation, reviewer=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"{organisation.name} is rejected and the group has been told why.")
            elif action == "erase" and organisation.erasure_requested_at:
                organisation_erase(organisation=organisation, reviewer=request.user)
                messages.success(request, f"Personal data of {organisation.name} has been removed.")
            else:
                messages.error(request, "That could not be done: the record has changed since you opened it.")
                return redirect("surveys:moderation_registration", pk=pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("surveys:moderation_registration", pk=pk)
        return redirect("surveys:moderation")


class UpdateReviewView(OfficerRequiredMixin, View):
    template_name = "surveys/moderation/update.html"

    def get(self, request, pk, reason_form=None):
        update = get_object_or_404(OrganisationUpdate.objects.select_related("organisation", "survey"), pk=pk)
        pending = update.status == OrganisationUpdate.Status.PENDING
        return render(
            request,
            self.template_name,
            {
                "update": update,
                "changes": update_changes(update) if pending else [],
                "form": reason_form or ReasonForm(),
            },
            status=400 if reason_form else 200,
        )

    def post(self, request, pk):
        update = get_object_or_404(OrganisationUpdate, pk=pk)
        try:
            if request.POST.get("action") == "accept":
                update_accept(update=update, reviewer=request.user)
                messages.success(request, f"The changes to {update.organisation.name} are now live.")
            else:
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    return self.get(request, pk, reason_form=form)
                update_reject(update=update, reviewer=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, "The changes were not accepted and the group has been told why.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("surveys:moderation_update", pk=pk)
        return redirect("surveys:moderation")
