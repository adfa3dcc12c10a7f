from django.db import models


class OrganisationQuerySet(models.QuerySet):
    """Reusable filters for organisations."""

    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def pending(self):
        return self.filter(status=self.model.Status.PENDING)

    def serving_ward(self, ward):
        """Groups that serve `ward`; borough-wide groups serve every ward."""
        # A subquery rather than a join, so no group comes twice and no DISTINCT is needed.
        in_ward = self.model.wards.through.objects.filter(ward=ward).values("organisation_id")
        return self.filter(models.Q(borough_wide=True) | models.Q(pk__in=in_ward))

    def not_confirmed_since(self, when):
        return self.filter(
            models.Q(last_confirmed_at__lt=when)
            | models.Q(last_confirmed_at__isnull=True, created_at__lt=when)
        )
