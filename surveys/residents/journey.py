"""A resident's way through the survey, kept in their session: nothing is stored until they send it."""

from dataclasses import dataclass, field

from ..models import ResidentServiceView
from ..submissions import new_key

STATE_KEY = "resident_survey"
ANSWERED_KEY = "resident_surveys_answered"


@dataclass
class Section:
    """One page of the survey: a service category and the round's services in it."""

    category: object
    services: list = field(default_factory=list)

    @property
    def slug(self):
        return self.category.slug


def survey_sections(survey):
    """The round's services grouped by category, one page each, in the order pages show them."""
    sections = []
    for service in survey.covered_services().in_display_order():
        if not sections or sections[-1].category != service.category:
            sections.append(Section(category=service.category))
        sections[-1].services.append(service)
    return sections


class ResidentJourney:
    """What this browser has answered so far in the open round, read from and kept in the session."""

    def __init__(self, session, survey):
        self.session, self.survey = session, survey
        state = session.get(STATE_KEY)
        # A journey begun in an earlier round starts again.
        if not isinstance(state, dict) or state.get("round") != survey.pk:
            state = {"round": survey.pk, "views": {}, "about": None}
        self.state = state

    @property
    def answered(self):
        """This browser has already sent answers to this round."""
        return self.survey.pk in self.session.get(ANSWERED_KEY, [])

    def views_of(self, services):
        """The answers given so far about these services, by service primary key (as text)."""
        given = self.state["views"]
        return {str(s.pk): given[str(s.pk)] for s in services if str(s.pk) in given}

    def save_views(self, views):
        self.state["views"].update(views)
        self._keep()

    @property
    def about(self):
        """The resident's ward (GSS code) and age band, or None before they reach that page."""
        return self.state["about"]

    def save_about(self, *, ward_code, age_band):
        self.state["about"] = {"ward": ward_code, "age_band": age_band}
        self._keep()

    def submission_key(self):
        """The random key of this browser's send form, made the first time it is shown; forgotten
        with the answers once they are sent."""
        if not self.state.get("submission_key"):
            self.state["submission_key"] = new_key()
            self._keep()
        return self.state["submission_key"]

    def first_gap(self, sections):
        """The first section with a service not yet answered, "about" if only that is left, else None."""
        known = set(ResidentServiceView.View.values)
        for section in sections:
            given = self.views_of(section.services)
            if any(given.get(str(s.pk), {}).get("view") not in known for s in section.services):
                return section
        return "about" if self.about is None else None

    def answers(self, sections):
        """Every answer to the round's services, as resident_response_submit takes them."""
        given = self.state["views"]
        return {
            service: (given[str(service.pk)]["view"], given[str(service.pk)].get("channels", []))
            for section in sections
            for service in section.services
            if str(service.pk) in given
        }

    def mark_answered(self):
        """Remember the round was answered from this browser, and forget the answers themselves."""
        self.session[ANSWERED_KEY] = [*self.session.get(ANSWERED_KEY, []), self.survey.pk]
        self.session.pop(STATE_KEY, None)

    def _keep(self):
        self.session[STATE_KEY] = self.state
        self.session.modified = True
