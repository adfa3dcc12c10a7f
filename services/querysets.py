from django.db import models

# The one order services are shown in: by category (its position, then its name), then by name.
DISPLAY_ORDER = ("category__position", "category__name", "name")


def display_order(prefix=""):
    """DISPLAY_ORDER for ordering another model by its service, e.g. display_order("service_area__")."""
    return [prefix + field for field in DISPLAY_ORDER]


class ServiceAreaQuerySet(models.QuerySet):
    """Reusable filters for service areas."""

    def open_to_interest(self):
        return self.filter(open_to_interest=True)

    def in_display_order(self):
        return self.select_related("category").order_by(*DISPLAY_ORDER)
