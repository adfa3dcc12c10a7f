from django.db import models


class OrganisationQuerySet(models.QuerySet):
    """Reusable filters for organisations."""

    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def pending(self):
        return self.filter(status=self.model.Status.PENDING)

    def serving_ward(self, ward):
        """Groups that serve `ward`; borough-wide groups serve every ward."""
        return self.filter(models.Q(borough_wide=True) | models.Q(wards=ward)).distinct()

    def not_confirmed_since(self, when):
        return self.filter(
            models.Q(last_confirmed_at__lt=when)
            | models.Q(last_confirmed_at__isnull=True, created_at__lt=when)
        )
