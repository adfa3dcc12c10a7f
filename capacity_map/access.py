"""Who may see the officers' pages: council officers and administrators."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

OFFICER_PERMISSION = "surveys.view_interest"


def is_officer(user):
    """Officers are in the Council officers group (or hold its view rights); admins pass too."""
    return user.is_authenticated and (user.is_superuser or user.has_perm(OFFICER_PERMISSION))


class OfficerRequiredMixin(AccessMixin):
    """Anonymous visitors go to the sign-in page; signed-in non-officers get a 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not is_officer(request.user):
            raise PermissionDenied("Only council officers and administrators can see this page.")
        return super().dispatch(request, *args, **kwargs)
