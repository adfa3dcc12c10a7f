"""Officers' writes: their assessments, and the Council officers group's permissions."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from ..models import Assessment

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


@transaction.atomic
def assessment_save(*, interest, author, data) -> Assessment:
    """Create or update the officer's assessment of one interest; history keeps each version."""
    assessment = Assessment.objects.filter(interest=interest).first() or Assessment(interest=interest)
    for name, value in data.items():
        setattr(assessment, name, value)
    if assessment.author_id is None:
        assessment.author = author
    assessment.full_clean()
    assessment._history_user = author
    assessment.save()
    return assessment
