from django.db import models


class ServiceAreaQuerySet(models.QuerySet):
    """Reusable filters for service areas."""

    def open_to_interest(self):
        return self.filter(open_to_interest=True)

    def in_display_order(self):
        return self.select_related("category").order_by("category__position", "category__name", "name")
