"""Sign-in with council accounts, end to end against a real OpenID provider on loopback."""

import os
import socket
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from capacity_map.oidc import COUNCIL_OFFICERS

from .provider import ADMINS, OFFICERS

pytestmark = pytest.mark.django_db

COUNCIL_BUTTON = "Sign in with your Ashwick Borough Council account"
NOT_CONFIRMED = "your Ashwick Borough Council account could not be confirmed"


def council_user(username):
    return get_user_model().objects.get(email=f"{username}@ashwick.example.gov.uk")


def is_officer_group_member(user):
    return user.groups.filter(name=COUNCIL_OFFICERS).exists()


def test_the_officers_group_named_here_is_the_one_migrate_makes():
    assert Group.objects.filter(name=COUNCIL_OFFICERS).exists()


def test_first_sign_in_creates_an_officer(client, browser_at, council_accounts):
    council_accounts.put_account("alice", groups=[OFFICERS, "someone-elses-group"])

    response = browser_at(client).sign_in("alice", next_url="/matrix/")

    assert response.status_code == 302 and response.url == "/matrix/"
    alice = council_user("alice")
    assert alice.username.startswith("oidc-") and alice.first_name == "Alice"
    assert alice.is_staff and not alice.is_superuser and is_officer_group_member(alice)
    assert not alice.has_usable_password()
    matrix = client.get("/matrix/")
    assert matrix.status_code == 200 and "Capacity matrix" in matrix.text
    assert get_user_model().objects.filter(email__startswith="alice@").count() == 1
    assert AccessAttempt.objects.count() == 0


def test_the_admin_value_makes_an_administrator_and_losing_it_removes_it(
    client, browser_at, council_accounts
):
    council_accounts.put_account("ada", groups=[ADMINS])
    browser_at(client).sign_in("ada")
    ada = council_user("ada")
    assert ada.is_staff and ada.is_superuser and not is_officer_group_member(ada)
    assert client.get("/admin/").status_code == 200

    council_accounts.put_account("ada", groups=[OFFICERS])
    browser_at(client.__class__()).sign_in("ada")
    ada.refresh_from_db()
    assert ada.is_staff and not ada.is_superuser and is_officer_group_member(ada)


def test_a_user_in_no_mapped_group_is_refused(client, browser_at, council_accounts):
    council_accounts.put_account("bob", groups=["finance"])

    response = browser_at(client).sign_in("bob")

    assert response.status_code == 302 and response.url == "/accounts/no-access/"
    page = client.get(response.url)
    assert page.status_code == 403
    assert "You do not have access to Capacity Map" in page.text
    assert "Your Ashwick Borough Council account is not in a group that can use Capacity Map" in page.text
    assert not get_user_model().objects.filter(email__startswith="bob@").exists()
    assert client.get("/matrix/").url.startswith("/accounts/login/")


def test_removal_from_the_group_takes_effect_at_the_next_sign_in(client, browser_at, council_accounts):
    council_accounts.put_account("carol", groups=[OFFICERS])
    browser_at(client).sign_in("carol")
    assert is_officer_group_member(council_user("carol"))

    council_accounts.put_account("carol", groups=[])
    second = client.__class__()
    response = browser_at(second).sign_in("carol")

    assert response.url == "/accounts/no-access/"
    carol = council_user("carol")
    assert not carol.is_staff and not is_officer_group_member(carol)
    assert second.get("/matrix/").url.startswith("/accounts/login/")


def test_the_session_is_rechecked_with_the_provider_after_the_interval(
    client, browser_at, council_accounts, settings
):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 2
    council_accounts.put_account("dev", groups=[OFFICERS])
    browser = browser_at(client)
    browser.sign_in("dev")
    signed_in_at = time.monotonic()

    council_accounts.put_account("dev", groups=[])
    # Within the interval the session stands: this is the window the setting allows.
    assert client.get("/matrix/").status_code == 200

    time.sleep(max(0, 2.2 - (time.monotonic() - signed_in_at)))
    recheck = client.get("/matrix/")
    assert recheck.status_code == 302 and recheck.url.startswith(council_accounts.issuer)
    assert "prompt=none" in recheck.url
    # The provider knows the browser and answers without asking it anything.
    response = browser.callback(browser.to_provider_and_back(recheck.url))

    assert response.url == "/accounts/no-access/"
    assert not is_officer_group_member(council_user("dev"))
    assert client.get("/matrix/").url.startswith("/accounts/login/")


def test_a_disabled_account_is_signed_out_at_the_recheck(client, browser_at, council_accounts, settings):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 0
    council_accounts.put_account("eve", groups=[OFFICERS])
    browser = browser_at(client)
    browser.sign_in("eve")

    council_accounts.put_account("eve", groups=[OFFICERS], enabled=False)
    recheck = client.get("/matrix/")
    location = browser.to_provider_and_back(recheck.url)
    assert "error=login_required" in location
    response = browser.callback(location)

    assert response.url == "/accounts/login/"
    assert NOT_CONFIRMED in client.get(response.url).text
    assert client.get("/matrix/").url.startswith("/accounts/login/")


def test_an_unchanged_account_passes_the_recheck_silently(client, browser_at, council_accounts, settings):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 0
    council_accounts.put_account("fay", groups=[OFFICERS])
    browser = browser_at(client)
    browser.sign_in("fay")

    recheck = client.get("/matrix/?ward=x")
    response = browser.callback(browser.to_provider_and_back(recheck.url))

    assert response.url == "/matrix/?ward=x"
    assert is_officer_group_member(council_user("fay"))


@pytest.mark.parametrize(
    "mode, reason",
    [
        ("tampered", "JWS token verification failed"),
        ("wrong-audience", "Audience doesn't match"),
        ("expired", "Signature has expired"),
    ],
)
def test_a_bad_id_token_is_refused(client, browser_at, council_accounts, mode, reason, caplog):
    council_accounts.put_account("mallory", groups=[OFFICERS])
    council_accounts.id_token_mode(mode)

    response = browser_at(client).sign_in("mallory")

    assert reason in caplog.text

    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert NOT_CONFIRMED in client.get(response.url).text
    assert not get_user_model().objects.filter(email__startswith="mallory@").exists()
    assert client.get("/matrix/").url.startswith("/accounts/login/")
    assert AccessAttempt.objects.count() == 0  # django-axes guards the password route only


def test_a_replayed_state_is_refused(client, browser_at, council_accounts):
    council_accounts.put_account("gil", groups=[OFFICERS])
    browser = browser_at(client)
    browser.sign_in("gil")

    # Someone else replaying the provider's answer gets nothing.
    attacker = client.__class__()
    response = browser_at(attacker).callback(browser.last_callback)
    assert response.url == "/accounts/login/"
    assert attacker.get("/matrix/").url.startswith("/accounts/login/")
    # Nor does the same browser: the state was used once, and the session is ended.
    response = browser.callback(browser.last_callback)
    assert response.url == "/accounts/login/"
    assert client.get("/matrix/").url.startswith("/accounts/login/")


def test_sign_out_ends_the_local_session(client, browser_at, council_accounts):
    council_accounts.put_account("hal", groups=[OFFICERS])
    browser_at(client).sign_in("hal")
    assert client.get("/matrix/").status_code == 200

    assert client.post("/accounts/logout/").status_code == 302

    assert "_auth_user_id" not in client.session
    assert client.get("/matrix/").url.startswith("/accounts/login/")


def test_the_sign_in_page_offers_the_council_account_first(client, council_accounts):
    page = client.get("/accounts/login/?next=/matrix/").text

    assert COUNCIL_BUTTON in page
    assert 'href="/oidc/authenticate/?next=/matrix/"' in page
    assert page.index(COUNCIL_BUTTON) < page.index("Administrators: sign in with a password")


def test_passwords_are_for_administrators_only_and_can_be_switched_off(
    client, council_accounts, django_user_model, settings
):
    password = "correct-horse-battery-staple-42"
    officer = django_user_model.objects.create_user("local-officer", password=password, is_staff=True)
    officer.groups.add(Group.objects.get(name=COUNCIL_OFFICERS))
    django_user_model.objects.create_superuser("curator", "curator@example.org", password)

    refused = client.post("/accounts/login/", {"username": "local-officer", "password": password})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert client.post("/accounts/login/", {"username": "curator", "password": password}).status_code == 302
    client.post("/accounts/logout/")

    settings.PASSWORD_SIGN_IN = False
    page = client.get("/accounts/login/").text
    assert COUNCIL_BUTTON in page and 'name="password"' not in page
    client.post("/accounts/login/", {"username": "curator", "password": password})
    assert "_auth_user_id" not in client.session


def test_without_configuration_only_passwords_are_offered(client):
    page = client.get("/accounts/login/").text
    assert COUNCIL_BUTTON not in page and 'name="password"' in page
    assert client.get("/oidc/authenticate/").status_code == 404


def test_a_half_configured_provider_stops_the_start():
    environment = {**os.environ, "DJANGO_DEBUG": "1", "OIDC_ISSUER": "https://login.example.org/v2.0"}
    result = subprocess.run(
        [sys.executable, "-c", "import capacity_map.settings"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none." in result.stderr


def test_an_unreachable_provider_is_explained(client, council_accounts, settings):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        settings.OIDC_ISSUER = f"http://127.0.0.1:{unused.getsockname()[1]}"

    response = client.get("/oidc/authenticate/")

    assert response.url == "/accounts/login/"
    assert "The Ashwick Borough Council sign-in service could not be reached" in client.get(response.url).text


def test_staff_sign_in_while_the_shared_cache_is_unreachable(client, browser_at, council_accounts, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    council_accounts.put_account("cara", groups=[OFFICERS])

    response = browser_at(client).sign_in("cara", next_url="/matrix/")

    assert response.status_code == 302 and response.url == "/matrix/"
    assert is_officer_group_member(council_user("cara"))
