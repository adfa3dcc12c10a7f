"""Sign-in lockout, passwords, cookies, and production security settings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

PASSWORD = "a-long-and-unusual-password-9"


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user("clerk", password=PASSWORD, is_staff=True)


@pytest.mark.django_db
def test_five_failures_lock_the_account_with_a_clear_message(client, clerk, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
        assert "There is a problem" in response.content.decode()
    locked = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert locked.status_code in (403, 429)
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert "Too many failed sign-in attempts" in again.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, clerk):
    for _ in range(4):
        client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "too short"),
        ("password1234", "too common"),
        ("839274619283", "entirely numeric"),
        ("clerk-abc", "too similar"),
    ],
)
def test_weak_passwords_are_refused(clerk, password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=clerk)
    assert any(message in text for text in error.value.messages)


@pytest.mark.django_db
def test_session_and_csrf_cookies(client, clerk, settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "capacity_map.settings",
            "DJANGO_TESTING": "0",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "capacity-map.example.gov.uk",
            "DATABASE_URL": "sqlite:////tmp/capacity-map-deploy-check.sqlite3",
            **extra,
        }
    )
    return env


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_headers_and_cookies():
    script = (
        "import django; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY,"
        " s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=_production_env(), capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "DENY",
        "same-origin",
        "CompressedManifestStaticFilesStorage",
    ], result.stderr


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client):
    response = client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    script_src = policy.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "unsafe" not in script_src
