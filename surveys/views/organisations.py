"""Officers' organisation page: profile, identifiers, interests by round, history."""

from django.views.generic import DetailView

from capacity_map.access import OfficerRequiredMixin
from organisations.models import Organisation

from ..selectors import organisation_profile


class OrganisationDetailView(OfficerRequiredMixin, DetailView):
    model = Organisation
    template_name = "organisations/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.select_related("reviewed_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=organisation_profile(self.object), **kwargs)
