from django.db import models
from django.utils import timezone


class SurveyQuerySet(models.QuerySet):
    """Reusable filters for survey rounds."""

    def organisation_capacity(self):
        return self.filter(kind=self.model.Kind.ORGANISATION_CAPACITY)

    def resident_views(self):
        return self.filter(kind=self.model.Kind.RESIDENT_VIEWS)

    def open_at(self, when=None):
        when = when or timezone.now()
        return self.filter(opens_at__lte=when, closes_at__gt=when)

    def latest_first(self):
        return self.order_by("-opens_at", "-pk")


class InterestQuerySet(models.QuerySet):
    """Reusable filters for organisations' interests in services."""

    def current(self):
        """Interests the group still offers: not withdrawn through its update link."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)

    def of_approved_organisations(self):
        return self.filter(organisation__status="approved")

    def ready_now(self):
        return self.filter(readiness=self.model.Readiness.READY_NOW)
