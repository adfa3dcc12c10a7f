"""In Chromium: a new officer signs in with a council account at a real OpenID provider on
loopback, sees the matrix, is removed from the group at the provider and loses access at the
next re-check."""

import time

import pytest
from django.contrib.auth import get_user_model

from capacity_map.oidc import COUNCIL_OFFICERS
from tests.oidc.provider import OFFICERS, LoopbackProvider, council_account_settings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECHECK_SECONDS = 3


@pytest.fixture(scope="module")
def provider_for_live_server(live_server):
    provider = LoopbackProvider([f"{live_server.url}/oidc/callback/"])
    yield provider
    provider.stop()


def test_an_officer_signs_in_with_a_council_account_and_loses_access_when_removed(
    page, check_accessibility, borough, settings, provider_for_live_server
):
    provider = provider_for_live_server
    council_account_settings(settings, provider)
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = RECHECK_SECONDS
    provider.put_account("olu", groups=[OFFICERS])

    page.goto("/matrix/")
    page.wait_for_url("**/accounts/login/?next=/matrix/")
    check_accessibility(page)
    page.get_by_role("button", name="Sign in with your Ashwick Borough Council account").click()

    # The provider's own sign-in page (not ours, so axe-core is not run on it).
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.get_by_label("Council username").fill("olu")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/matrix/")
    signed_in_at = time.monotonic()
    assert page.get_by_role("heading", level=1).inner_text() == "Capacity matrix"
    assert "Friends of Ashwick Park" in page.locator("table").inner_text()
    check_accessibility(page)
    olu = get_user_model().objects.get(email="olu@ashwick.example.gov.uk")
    assert olu.groups.filter(name=COUNCIL_OFFICERS).exists()

    provider.put_account("olu", groups=[])
    time.sleep(max(0, RECHECK_SECONDS + 0.2 - (time.monotonic() - signed_in_at)))
    page.goto("/matrix/")

    page.wait_for_url("**/accounts/no-access/")
    assert page.get_by_role("heading", level=1).inner_text() == "You do not have access to Capacity Map"
    check_accessibility(page)
    assert not olu.groups.filter(name=COUNCIL_OFFICERS).exists()
    page.goto("/matrix/")
    page.wait_for_url("**/accounts/login/?next=/matrix/")
