"""A real OpenID provider for the tests: frontend/oidc-test-provider.mjs (the certified npm
package oidc-provider) in a Node process on loopback, and a browser stand-in that signs in at it.

Skipped when Node or the package is missing (`make test` installs it with `npm ci`), unless
REQUIRE_BROWSER=1 (CI), when it fails instead.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "frontend" / "oidc-test-provider.mjs"
PACKAGE = ROOT / "frontend" / "node_modules" / "oidc-provider" / "package.json"
CLIENT_ID = "capacity-map"
CLIENT_SECRET = "capacity-map-test-secret"
OFFICERS = "capacity-map-officers"
ADMINS = "capacity-map-admins"


def _missing():
    if not shutil.which("node"):
        return "Node is not installed (apt-get install nodejs)"
    if not PACKAGE.exists():
        return "oidc-provider is not installed (cd frontend && npm ci)"
    return ""


class LoopbackProvider:
    """The provider's process, with the test-only switches its script offers."""

    def __init__(self, redirect_uris):
        if reason := _missing():
            if os.environ.get("REQUIRE_BROWSER") == "1":
                pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
            pytest.skip(reason)
        # The provider's own log, kept for a failing test's report (OIDC_TEST_PROVIDER_LOG names a file).
        log_path = os.environ.get("OIDC_TEST_PROVIDER_LOG")
        self.log = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115
        env = {
            **os.environ,
            "OIDC_TEST_PORT": "0",
            "OIDC_TEST_CLIENT_ID": CLIENT_ID,
            "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_TEST_REDIRECT_URIS": ",".join(redirect_uris),
        }
        self.process = subprocess.Popen(
            [shutil.which("node"), str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=self.log, text=True
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready "):
            self.stop()
            self.log.seek(0)
            raise RuntimeError(f"The test provider did not start: {self.log.read().decode()}")
        self.issuer = line.split()[1]
        deadline = time.monotonic() + 10
        while True:
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def put_account(self, username, *, groups, enabled=True):
        account = {"email": f"{username}@ashwick.example.gov.uk", "name": username.title(), "groups": groups}
        self._put(f"accounts/{username}", {**account, "enabled": enabled})

    def id_token_mode(self, mode):
        self._put("id-token-mode", {"mode": mode})

    def _put(self, path, body):
        requests.put(f"{self.issuer}/test-admin/{path}", data=json.dumps(body), timeout=5).raise_for_status()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process.stdout.close()
        self.log.close()


def council_account_settings(settings, provider):
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ENABLED = True
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_OFFICER_GROUPS = [OFFICERS]
    settings.OIDC_ADMIN_GROUPS = [ADMINS]


class ProviderBrowser:
    """The browser's side at the provider (its own cookies), with the Django test client's side."""

    def __init__(self, provider, client):
        self.provider = provider
        self.client = client
        self.session = requests.Session()

    def to_provider_and_back(self, location, username=None):
        """Follow the provider's redirects, signing in on its form if asked; returns our callback's URL."""
        while location.startswith(self.provider.issuer):
            response = self.session.get(location, allow_redirects=False, timeout=5)
            if response.status_code == 200:
                assert username, "the provider asked for a sign-in"
                action = re.search(r'action="([^"]+)"', response.text).group(1)
                response = self.session.post(
                    urljoin(location, action), data={"login": username}, allow_redirects=False, timeout=5
                )
            assert response.status_code in (302, 303), response.text
            location = urljoin(location, response.headers["location"])
        return location

    def callback(self, location):
        """Our callback, opened in the test client (which then asks the provider for the tokens)."""
        parts = urlsplit(location)
        return self.client.get(f"{parts.path}?{parts.query}")

    def sign_in(self, username, next_url=""):
        """Start at our sign-in button; returns our callback's response."""
        start = self.client.get("/oidc/authenticate/" + (f"?next={next_url}" if next_url else ""))
        assert start.status_code == 302 and start.url.startswith(self.provider.issuer)
        self.last_callback = self.to_provider_and_back(start.url, username)
        return self.callback(self.last_callback)
