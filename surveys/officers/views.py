"""Officers' pages: the services overview, one service and its assessments, an organisation, the dashboard."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, TemplateView

from capacity_map.access import OfficerRequiredMixin
from organisations.models import Organisation
from services.models import ServiceArea

from ..models import Interest, ResidentResponse, Survey
from ..residents.forms import ResidentViewsFilterForm
from ..residents.selectors import resident_views
from ..rounds import default_capacity_survey, latest_opened
from .forms import AssessmentForm
from .selectors import (
    READINESS_SIGNAL_RULE,
    dashboard,
    organisation_profile,
    service_capacity,
    services_overview,
)
from .services import assessment_save


def _round_from(request):
    slug = request.GET.get("survey")
    if slug:
        chosen = Survey.objects.organisation_capacity().filter(slug=slug).first()
        if chosen:
            return chosen
    return default_capacity_survey()


def _residents_round_from(request, rounds):
    """The residents' round asked for (?residents=<slug>), else the latest that has opened."""
    slug = request.GET.get("residents")
    return next((r for r in rounds if slug and r.slug == slug), None) or latest_opened(rounds)


class ServiceListView(OfficerRequiredMixin, TemplateView):
    template_name = "surveys/officers/service_list.html"

    def get_context_data(self, **kwargs):
        survey = _round_from(self.request)
        residents_rounds = list(Survey.objects.resident_views().latest_first())
        residents_survey = _residents_round_from(self.request, residents_rounds)
        return super().get_context_data(
            survey=survey,
            rounds=Survey.objects.organisation_capacity().latest_first(),
            residents_rounds=residents_rounds,
            residents_survey=residents_survey,
            summaries=services_overview(survey=survey, residents_survey=residents_survey),
            signal_rule=READINESS_SIGNAL_RULE,
            **kwargs,
        )


class ServiceDetailView(OfficerRequiredMixin, DetailView):
    model = ServiceArea
    template_name = "surveys/officers/service_detail.html"
    context_object_name = "service"

    def get_queryset(self):
        return ServiceArea.objects.select_related("category")

    def get_context_data(self, **kwargs):
        survey = _round_from(self.request)
        views_filter = ResidentViewsFilterForm(self.request.GET)
        residents_survey, ward, age_band = views_filter.chosen()
        views = resident_views(survey=residents_survey, ward=ward, age_band=age_band, service=self.object)
        return super().get_context_data(
            survey=survey,
            rounds=Survey.objects.organisation_capacity().latest_first(),
            capacity=service_capacity(service=self.object, survey=survey),
            can_assess=self.request.user.has_perm("surveys.change_assessment"),
            views_filter=views_filter,
            residents_survey=residents_survey,
            residents=views.for_service(self.object),
            residents_ward=ward,
            residents_age=dict(ResidentResponse.AgeBand.choices).get(age_band),
            **kwargs,
        )


class AssessmentFormView(OfficerRequiredMixin, FormView):
    form_class = AssessmentForm
    template_name = "surveys/officers/assessment_form.html"

    def get(self, request, *args, **kwargs):
        self._find_interest()
        self._check_permission()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._find_interest()
        self._check_permission()
        return super().post(request, *args, **kwargs)

    def _find_interest(self):
        # Looked up only once the visitor is known to be an officer (OfficerRequiredMixin's
        # dispatch): anyone else gets the same answer whether or not the interest exists.
        self.interest = get_object_or_404(
            Interest.objects.of_approved_organisations().select_related(
                "organisation", "service_area", "survey"
            ),
            pk=self.kwargs["pk"],
            service_area__slug=self.kwargs["slug"],
        )
        # A missing reverse one-to-one raises an AttributeError subclass, so getattr copes.
        self.assessment = getattr(self.interest, "assessment", None)

    def _check_permission(self):
        needed = "surveys.change_assessment" if self.assessment else "surveys.add_assessment"
        if not self.request.user.has_perm(needed):
            raise PermissionDenied("You cannot record assessments.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.assessment}

    def get_context_data(self, **kwargs):
        return super().get_context_data(interest=self.interest, assessment=self.assessment, **kwargs)

    def form_valid(self, form):
        try:
            assessment_save(interest=self.interest, author=self.request.user, data=form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            return self.form_invalid(form)
        messages.success(self.request, f"Assessment of {self.interest.organisation.name} saved.")
        url = reverse("services:detail", args=[self.interest.service_area.slug])
        return redirect(f"{url}?survey={self.interest.survey.slug}#assessments")


class OrganisationDetailView(OfficerRequiredMixin, DetailView):
    model = Organisation
    template_name = "surveys/officers/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.select_related("reviewed_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=organisation_profile(self.object), **kwargs)


class DashboardView(OfficerRequiredMixin, TemplateView):
    template_name = "surveys/officers/dashboard.html"

    def get_context_data(self, **kwargs):
        data = dashboard(
            survey=default_capacity_survey(),
            stale_before=timezone.now() - datetime.timedelta(days=365),
        )
        return super().get_context_data(data=data, **kwargs)
