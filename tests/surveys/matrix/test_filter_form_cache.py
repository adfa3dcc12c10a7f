"""The matrix's filter form, remembered in Django's cache: reused, never stale, never a fault."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from surveys.matrix import views as matrix_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """How many times the filter form was rendered rather than taken from the cache."""
    cache.clear()
    count = []
    render = matrix_views.render_crispy_form

    def counted(*args, **kwargs):
        count.append(1)
        return render(*args, **kwargs)

    monkeypatch.setattr(matrix_views, "render_crispy_form", counted)
    return count


def _page(client, **query):
    return client.get(reverse("surveys:matrix"), query).content.decode()


def test_the_same_form_is_rendered_once_and_then_taken_from_the_cache(officer_client, borough, renders):
    first = officer_client.get(reverse("surveys:matrix")).context["filter_form"]
    again = officer_client.get(reverse("surveys:matrix"), {"page": "1"}).context["filter_form"]
    assert len(renders) == 1
    assert first == again and 'value="E05000101"' in first
    _page(officer_client, ward="E05000101")
    assert len(renders) == 2, "a form asked for with other values is a form of its own"


def test_a_changed_option_is_never_served_stale(officer_client, borough, make_service, renders):
    assert ">Northgate</option>" in _page(officer_client)
    ward = borough["north"]
    ward.name = "Northgate and Priory"
    ward.save()
    page = _page(officer_client)
    assert ">Northgate and Priory</option>" in page and ">Northgate</option>" not in page
    make_service(name="Bowling greens", slug="bowling-greens", category=borough["parks"].category)
    assert 'value="bowling-greens"' in _page(officer_client)
    borough["current"].title = "Capacity round, renamed"
    borough["current"].save()
    assert ">Capacity round, renamed</option>" in _page(officer_client)
    assert len(renders) == 4


def test_a_cache_that_is_down_only_costs_the_rendering(officer_client, borough, renders, monkeypatch):
    def refused(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(matrix_views.cache, "get", refused)
    monkeypatch.setattr(matrix_views.cache, "set", refused)
    page = _page(officer_client)
    assert ">Northgate</option>" in page and "Friends of Ashwick Park" in page
    assert len(renders) == 1
