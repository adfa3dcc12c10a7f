from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys and interests"

    def ready(self):
        # Permissions only exist after migrate has run, so the group is kept in step here.
        post_migrate.connect(_ensure_officer_group, sender=self)


def _ensure_officer_group(sender, **kwargs):
    from .officers.services import council_officers_group_ensure

    council_officers_group_ensure(using=kwargs.get("using", "default"))
