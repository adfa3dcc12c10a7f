"""Designed error pages: never a stack trace, and a 503 when the database is unreachable."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_unknown_pages_get_the_designed_404(client, settings):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and settings.COUNCIL_NAME in page and "govuk-header" not in page
    assert "Go to the start page" in page


@pytest.mark.django_db
def test_forbidden_pages_explain_who_may_see_them(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("resident"))
    response = client.get("/matrix/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


@pytest.mark.django_db
def test_an_unexpected_error_shows_the_designed_500_page(settings):
    client = Client(raise_request_exception=False)
    with mock.patch("capacity_map.views.HomeView.get_context_data", side_effect=RuntimeError("boom")):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and settings.COUNCIL_NAME in page
    assert "Traceback" not in page and "boom" not in page


@pytest.mark.django_db
def test_pages_answer_503_when_the_database_is_unreachable(settings):
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get("/register/")
    page = response.content.decode()
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in page and settings.COUNCIL_NAME in page
    assert "could not connect" not in page
