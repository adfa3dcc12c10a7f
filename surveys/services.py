"""Writes for surveys; also keeps the Council officers group's permissions in step."""

from django.contrib.auth.models import Group, Permission

COUNCIL_OFFICERS = "Council officers"
OFFICER_VIEW_APPS = ("services", "organisations", "surveys")
OFFICER_EDIT_MODELS = ("assessment",)


def council_officers_group_ensure(*, using="default") -> Group:
    """Create the Council officers group: view everything, add and change assessments."""
    group, _ = Group.objects.using(using).get_or_create(name=COUNCIL_OFFICERS)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=OFFICER_VIEW_APPS, codename__startswith="view_"
    ) | Permission.objects.using(using).filter(
        content_type__app_label="surveys",
        content_type__model__in=OFFICER_EDIT_MODELS,
        codename__regex=r"^(add|change)_",
    )
    group.permissions.add(*permissions)
    return group
