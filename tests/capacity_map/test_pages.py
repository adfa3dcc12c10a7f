import json
import os
import subprocess
import sys
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_start_page_explains_the_service_to_each_kind_of_user(client, settings):
    page = client.get(reverse("home")).content.decode()
    assert settings.COUNCIL_NAME in page
    for audience in ("Community groups", "Residents", "Council officers", "Administrators"):
        assert audience in page
    assert 'href="/accounts/login/"' in page
    assert 'href="/privacy/"' in page and 'href="/accessibility/"' in page
    assert "govuk-header__logotype" not in page, "a council service does not carry the crown"


@pytest.mark.django_db
def test_privacy_notice_says_what_is_kept_why_and_for_how_long(client):
    page = client.get(reverse("privacy")).content.decode()
    for phrase in (
        "data controller",
        "legal basis",
        "How long we keep it",
        "Your rights",
        "Information Commissioner",
        "never published",
    ):
        assert phrase in page


@pytest.mark.django_db
def test_accessibility_statement_names_the_standard_and_testing(client):
    page = client.get(reverse("accessibility")).content.decode()
    for phrase in ("WCAG", "2.2", "axe-core", "Enforcement procedure", "Equality and Human Rights"):
        assert phrase in page


@pytest.mark.django_db
def test_login_page_signs_a_user_in(client, django_user_model):
    django_user_model.objects.create_user("clerk", password="a-long-test-password-1")
    page = client.get(reverse("login")).content.decode()
    assert 'autocomplete="current-password"' in page and 'type="password"' in page
    response = client.post(reverse("login"), {"username": "clerk", "password": "a-long-test-password-1"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "Sign out" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_wrong_password_shows_a_gov_uk_error_summary(client, django_user_model):
    django_user_model.objects.create_user("clerk", password="a-long-test-password-1")
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert "<title>Error:" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_healthz_reports_a_healthy_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "outbox": {"queued": 0, "overdue": 0, "failed": 0, "oldest_queued_minutes": 0, "status": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unhealthy", "database": "unreachable"}


def test_healthz_answers_503_against_a_database_that_does_not_answer():
    """A real unreachable server: a port nothing listens on."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "capacity_map.settings",
        "DJANGO_TESTING": "1",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?connect_timeout=2",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.startswith("503 "), result.stderr[-2000:]
    assert "unreachable" in result.stdout


@pytest.mark.django_db
def test_no_migrations_are_missing():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "capacity_map.settings", "DJANGO_TESTING": "0"})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "capacity_map.settings",
            "DJANGO_TESTING": "0",
            "DJANGO_SECRET_KEY": "x" * 60,
        }
    )
    script = "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr
