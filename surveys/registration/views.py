"""The registration journey's pages, shared by new registrations and by updates through a link."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.datastructures import MultiValueDict
from django.views import View

from capacity_map.ratelimit import allow
from organisations.models import Organisation

from .. import submissions
from ..fields import filled_by_a_machine
from ..models import OrganisationUpdate
from ..rounds import next_capacity_survey, open_capacity_survey, services_for_round
from ..submissions import first_send
from ..tokens import LinkProblem, link_check, organisation_for_token
from .journey import IncompleteAnswers, Journey, answers_from_organisation
from .services import possibly_registered, registration_submit, update_submit
from .sessions import REGISTRATION_SESSION, update_session_key


class JourneyMixin:
    """Finds the journey for this visitor: a new registration, or an update to one record."""

    updating = False
    template_name = "surveys/registration/step.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.survey = open_capacity_survey()

    def dispatch(self, request, *args, **kwargs):
        problem = self.find_organisation(kwargs.get("token"))
        if problem is not None:
            return problem
        answers = request.session.get(self.session_key())
        if answers is None:
            answers = self.starting_answers()
        self.journey = Journey(answers, survey=self.survey, services=services_for_round(self.survey))
        return super().dispatch(request, *args, **kwargs)

    def find_organisation(self, token):
        self.organisation = None
        return None

    def session_key(self):
        return REGISTRATION_SESSION

    def starting_answers(self):
        return {}

    def save_answers(self):
        self.request.session[self.session_key()] = self.journey.answers

    def url(self, key):
        if key == "check":
            return reverse("surveys:register_check")
        return reverse("surveys:register_step", args=[key])

    def context(self, **extra):
        return {
            "updating": self.updating,
            "survey": self.survey,
            "organisation": self.organisation,
            "next_survey": None if self.survey else next_capacity_survey(),
            **extra,
        }


class UpdateJourneyMixin(JourneyMixin):
    """The same pages, reached through a group's signed update link.

    Whoever holds the link sees the group's contact details, so no page is kept by a browser or
    proxy. An action that uses the link up (services take its `nonce`) and finds another request
    used it first shows the "already used" page.
    """

    updating = True

    def dispatch(self, request, *args, **kwargs):
        try:
            response = super().dispatch(request, *args, **kwargs)
        except LinkProblem as problem:
            response = link_problem_page(request, str(problem))
        add_never_cache_headers(response)
        return response

    def find_organisation(self, token):
        try:
            self.organisation = organisation_for_token(token)
        except LinkProblem as problem:
            return link_problem_page(self.request, str(problem))
        self.token = token
        self.nonce = self.organisation.link_nonce  # what the link carries, checked just now
        return None

    def session_key(self):
        return update_session_key(self.organisation)

    def starting_answers(self):
        return answers_from_organisation(self.organisation, survey=self.survey)

    def url(self, key):
        if key == "check":
            return reverse("surveys:update_check", args=[self.token])
        return reverse("surveys:update_step", args=[self.token, key])


def link_problem_page(request, problem):
    return render(
        request,
        "surveys/registration/update/link_problem.html",
        {"problem": problem},
        status=404 if problem == "invalid" else 410,
    )


class StepView(JourneyMixin, View):
    """One page of questions; answers are kept in the session as they were typed."""

    def get(self, request, key, **kwargs):
        page = self.journey.page(key)
        if page is None:
            raise Http404("No such page in this journey.")
        return self.show(page, self.journey.form(page))

    def post(self, request, key, **kwargs):
        page = self.journey.page(key)
        if page is None:
            raise Http404("No such page in this journey.")
        form = self.journey.form(page, data=request.POST)
        if not form.is_valid():
            return self.show(page, form)
        self.journey.keep(page, form)
        self.save_answers()
        if request.GET.get("change"):
            # Back to the answers, unless this change raised a new question (a new service).
            missing = self.journey.first_unanswered()
            return redirect(self.url(missing) + "?change=1" if missing else self.url("check"))
        next_key = self.journey.next_key(page.key)
        return redirect(self.url(next_key or "check"))

    def show(self, page, form):
        previous = self.journey.previous_key(page.key)
        back = self.url(previous) if previous else self.start_url()
        return render(
            self.request,
            self.template_name,
            self.context(
                page=page,
                form=form,
                back_url=back,
                change=bool(self.request.GET.get("change")),
            ),
        )

    def start_url(self):
        return reverse("surveys:register_start")


class UpdateStepView(UpdateJourneyMixin, StepView):
    def start_url(self):
        return reverse("surveys:update", args=[self.token])


class CheckView(JourneyMixin, View):
    """Check your answers, with change links; sending saves everything in one go."""

    template_name = "surveys/registration/check.html"

    def get(self, request, **kwargs):
        try:
            answers = self.journey.checked()
        except IncompleteAnswers as missing:
            return redirect(self.url(missing.page))
        sections = [(page, rows, self.url(page.key) + "?change=1") for page, rows in self.journey.summary()]
        # Made once per draft and kept while it is checked and changed, so a second send of it is
        # recognised; a new draft after sending gets a new key.
        submission_key = request.session.setdefault(self.submission_session_key(), submissions.new_key())
        return render(
            request,
            self.template_name,
            self.context(
                sections=sections,
                possibly_registered=self.possibly_registered(answers),
                submission_key=submission_key,
            ),
        )

    def submission_session_key(self):
        return f"{submissions.FIELD}:{self.session_key()}"

    def possibly_registered(self, answers):
        return possibly_registered(answers)

    def post(self, request, **kwargs):
        if not allow(request, scope="registration"):
            return render(request, "surveys/registration/too_many.html", status=429)
        try:
            if filled_by_a_machine(MultiValueDict(self.journey.answers.get("contact", {}))):
                # Filled in by a machine: look successful, keep nothing.
                request.session.pop(self.session_key(), None)
                request.session.pop("registered_reference", None)
                return redirect(self.done_url(None))
            result = self.submit(submission_key=submissions.posted_key(request))
        except IncompleteAnswers as missing:
            messages.error(request, "Some answers are missing or need checking.")
            return redirect(self.url(missing.page))
        request.session.pop(self.session_key(), None)
        request.session.pop(self.submission_session_key(), None)
        return redirect(self.done_url(result))

    def submit(self, *, submission_key):
        # Sent before (the draft is gone by then): the group the first send stored, and its reference.
        organisation = first_send(Organisation, submission_key) or registration_submit(
            answers=self.journey.checked(), submission_key=submission_key
        )
        self.request.session["registered_reference"] = organisation.reference
        return organisation

    def done_url(self, result):
        return reverse("surveys:register_done")


class UpdateCheckView(UpdateJourneyMixin, CheckView):
    def find_organisation(self, token):
        problem = super().find_organisation(token)
        # The same changes sent again: the link was used up by their first send.
        sent_before = problem is not None and self.request.method == "POST"
        if sent_before and first_send(OrganisationUpdate, submissions.posted_key(self.request)):
            return redirect(self.done_url(None))
        return problem

    def possibly_registered(self, answers):
        return False

    def submit(self, *, submission_key):
        try:
            answers = self.journey.checked()
        except IncompleteAnswers:
            # A link another request used first shows the "already used" page, whatever the answers.
            link_check(self.organisation, self.nonce)
            raise
        return update_submit(
            organisation=self.organisation,
            nonce=self.nonce,
            answers=answers,
            submission_key=submission_key,
        )

    def done_url(self, result):
        return reverse("surveys:update_sent")


class StartView(View):
    def get(self, request):
        survey = open_capacity_survey()
        return render(
            request,
            "surveys/registration/start.html",
            {
                "survey": survey,
                "next_survey": None if survey else next_capacity_survey(),
                "started": REGISTRATION_SESSION in request.session,
            },
        )


class DoneView(View):
    def get(self, request):
        return render(
            request,
            "surveys/registration/done.html",
            {"reference": request.session.get("registered_reference")},
        )
