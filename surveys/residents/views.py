"""The residents' views survey (public and anonymous) and its results."""

import csv

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from capacity_map.access import is_officer
from capacity_map.ratelimit import allow
from capacity_map.spreadsheets import spreadsheet_safe
from organisations.models import Ward

from .. import submissions
from ..models import ResidentResponse, ResidentServiceView, Survey
from ..rounds import latest_opened, open_resident_survey
from ..submissions import first_send
from .forms import AboutYouForm, SendAnswersForm, ServiceViewsForm
from .journey import ANSWERED_KEY, ResidentJourney, survey_sections
from .selectors import RESIDENT_CHANNELS, resident_views
from .services import resident_response_submit

RATE_LIMIT_SCOPE = "resident_survey"


def result_rounds(user):
    """Rounds whose results this visitor may see: officers every one, others once closed and published."""
    rounds = Survey.objects.resident_views().latest_first()
    if is_officer(user):
        return rounds
    return rounds.filter(results_published=True, closes_at__lte=timezone.now())


def closed_page(request):
    """Outside a round's dates: when the next round opens, or when the last one closed."""
    now = timezone.now()
    rounds = Survey.objects.resident_views()
    return render(
        request,
        "surveys/residents/closed.html",
        {
            "next_round": rounds.filter(opens_at__gt=now).order_by("opens_at").first(),
            "last_round": rounds.filter(closes_at__lte=now).order_by("-closes_at").first(),
            "published": result_rounds(request.user).exists(),
        },
    )


class ResidentJourneyMixin:
    """Finds the open round and this browser's answers to it; outside the round, the closed page."""

    def dispatch(self, request, *args, **kwargs):
        self.survey = open_resident_survey()
        if self.survey is None:
            return closed_page(request)
        self.journey = ResidentJourney(request.session, self.survey)
        if self.journey.answered:
            return self.answered_already()
        self.sections = survey_sections(self.survey)
        return super().dispatch(request, *args, **kwargs)

    def answered_already(self):
        return render(self.request, "surveys/residents/already_answered.html", {"survey": self.survey})

    def step_url(self, step):
        """The page of a section, "about" for the about-you page, None for check your answers."""
        if step is None:
            return reverse("surveys:resident_check")
        if step == "about":
            return reverse("surveys:resident_about")
        return reverse("surveys:resident_section", args=[step.slug])

    def get_context_data(self, **kwargs):
        return super().get_context_data(survey=self.survey, sections=self.sections, **kwargs)


class ResidentFormMixin(ResidentJourneyMixin):
    """A page of the journey with a form, and the honeypot every such form carries."""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.filled_by_a_machine():
            # Nothing is kept, and the sender sees what a person would, so it learns nothing.
            self.journey.mark_answered()
            return redirect("surveys:resident_thanks")
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)


class ResidentStartView(ResidentJourneyMixin, TemplateView):
    template_name = "surveys/residents/start.html"

    def get_context_data(self, **kwargs):
        first = self.sections[0] if self.sections else "about"
        return super().get_context_data(
            first_url=self.step_url(first),
            service_count=sum(len(section.services) for section in self.sections),
            **kwargs,
        )


class ResidentSectionView(ResidentFormMixin, FormView):
    form_class = ServiceViewsForm
    template_name = "surveys/residents/section.html"

    @cached_property
    def section(self):
        for section in self.sections:
            if section.slug == self.kwargs["category"]:
                return section
        raise Http404("This survey has no such section.")

    @property
    def changing(self):
        return self.request.GET.get("change") == "1"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "services": self.section.services}

    def get_initial(self):
        return ServiceViewsForm.initial_from(self.journey.views_of(self.section.services))

    def get_context_data(self, **kwargs):
        index = self.sections.index(self.section)
        if self.changing:
            back_url = self.step_url(None)
        elif index:
            back_url = self.step_url(self.sections[index - 1])
        else:
            back_url = reverse("surveys:resident_start")
        return super().get_context_data(
            section=self.section,
            number=index + 1,
            total=len(self.sections) + 1,
            back_url=back_url,
            **kwargs,
        )

    def form_valid(self, form):
        self.journey.save_views(form.views())
        if self.changing:
            # Back to where the resident was on the check page, not to the question they changed.
            return redirect(f"{self.step_url(None)}#answers-{self.section.slug}")
        index = self.sections.index(self.section)
        following = self.sections[index + 1] if index + 1 < len(self.sections) else "about"
        return redirect(self.step_url(following))


class ResidentAboutView(ResidentFormMixin, FormView):
    form_class = AboutYouForm
    template_name = "surveys/residents/about.html"

    def get_initial(self):
        about = self.journey.about or {}
        return {"ward": about.get("ward") or None, "age_band": about.get("age_band", "")}

    def get_context_data(self, **kwargs):
        back = self.step_url(self.sections[-1]) if self.sections else reverse("surveys:resident_start")
        return super().get_context_data(
            back_url=back, number=len(self.sections) + 1, total=len(self.sections) + 1, **kwargs
        )

    def form_valid(self, form):
        ward = form.cleaned_data["ward"]
        self.journey.save_about(
            ward_code=ward.gss_code if ward else "", age_band=form.cleaned_data["age_band"]
        )
        return redirect(self.step_url(None))


class ResidentCheckView(ResidentFormMixin, FormView):
    form_class = SendAnswersForm
    template_name = "surveys/residents/check.html"

    def answered_already(self):
        # The same answers sent again (a double click, a retry): the first send's thank-you page.
        if self.request.method == "POST":
            first = first_send(ResidentResponse, submissions.posted_key(self.request))
            if first is not None and first.survey_id == self.survey.pk:
                return redirect("surveys:resident_thanks")
        return super().answered_already()

    def get(self, request, *args, **kwargs):
        gap = self.journey.first_gap(self.sections)
        if gap is not None:
            return redirect(self.step_url(gap))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        views = dict(ResidentServiceView.View.choices)
        channels = {value: label for value, _field, label in RESIDENT_CHANNELS}
        answered = []
        for section in self.sections:
            given = self.journey.views_of(section.services)
            rows = [
                (
                    service,
                    views.get(given[str(service.pk)]["view"], ""),
                    [channels[c] for c in given[str(service.pk)].get("channels", []) if c in channels],
                )
                for service in section.services
                if str(service.pk) in given
            ]
            answered.append((section, rows))
        about = self.journey.about or {}
        ward = Ward.objects.filter(gss_code=about.get("ward")).first() if about.get("ward") else None
        return super().get_context_data(
            answered=answered,
            ward=ward,
            age_band=dict(ResidentResponse.AgeBand.choices).get(about.get("age_band")),
            submission_key=self.journey.submission_key(),
            **kwargs,
        )

    def form_valid(self, form):
        gap = self.journey.first_gap(self.sections)
        if gap is not None:
            return redirect(self.step_url(gap))
        if not allow(self.request, scope=RATE_LIMIT_SCOPE):
            return render(self.request, "surveys/residents/rate_limited.html", status=429)
        about = self.journey.about
        try:
            resident_response_submit(
                survey=self.survey,
                ward=Ward.objects.filter(gss_code=about["ward"]).first() if about["ward"] else None,
                age_band=about["age_band"],
                answers=self.journey.answers(self.sections),
                submission_key=submissions.posted_key(self.request),
            )
        except ValidationError as error:
            if not self.survey.is_open():
                return closed_page(self.request)
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        self.journey.mark_answered()
        return redirect("surveys:resident_thanks")


class ResidentThanksView(TemplateView):
    template_name = "surveys/residents/thanks.html"

    def get(self, request, *args, **kwargs):
        answered = request.session.get(ANSWERED_KEY, [])
        self.survey = Survey.objects.filter(pk__in=answered[-1:]).first()
        if self.survey is None:
            return redirect("surveys:resident_start")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(survey=self.survey, **kwargs)


class ResidentResultsMixin:
    """The round whose results are asked for, if this visitor may see them."""

    def chosen_round(self):
        rounds = list(result_rounds(self.request.user))
        slug = self.request.GET.get("survey")
        if slug:
            survey = next((r for r in rounds if r.slug == slug), None)
            if survey is None:
                raise Http404("There are no published results for that round.")
            return survey, rounds
        return latest_opened(rounds), rounds

    @property
    def by_unease(self):
        return self.request.GET.get("sort") == "unease"

    def results(self, survey):
        views = resident_views(survey=survey)
        return views, views.by_unease() if self.by_unease else views.services


class ResidentResultsView(ResidentResultsMixin, TemplateView):
    template_name = "surveys/residents/results.html"

    def get_context_data(self, **kwargs):
        survey, rounds = self.chosen_round()
        views, rows = self.results(survey)
        now = timezone.now()
        return super().get_context_data(
            survey=survey,
            rounds=rounds,
            views=views,
            rows=rows,
            sort="unease" if self.by_unease else "",
            is_public=survey is not None and survey.results_published and survey.closes_at <= now,
            is_open=survey is not None and survey.is_open(now),
            **kwargs,
        )


class ResidentResultsCsvView(ResidentResultsMixin, View):
    def get(self, request):
        survey, _rounds = self.chosen_round()
        if survey is None:
            raise Http404("There are no published results yet.")
        _views, rows = self.results(survey)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="residents-views-{survey.slug}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            ["Service", "Category", "Risk tier", "Residents answering"]
            + [f"{label}{suffix}" for _v, label in ResidentServiceView.View.choices for suffix in ("", " %")]
            + [f"Would accept: {label}" for _value, _field, label in RESIDENT_CHANNELS]
        )
        for row in rows:
            writer.writerow(
                [
                    spreadsheet_safe(value)
                    for value in [
                        row.service.name,
                        row.service.category.name,
                        row.service.get_risk_tier_display(),
                        row.n,
                        *[number for answer in row.views for number in (answer.count, answer.percent)],
                        *[answer.count for answer in row.channel_counts],
                    ]
                ]
            )
        return response
