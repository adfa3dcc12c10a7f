import pytest

from .provider import LoopbackProvider, ProviderBrowser, council_account_settings


@pytest.fixture(scope="session")
def oidc_provider():
    """The test provider for the Django test client (whose host is testserver)."""
    provider = LoopbackProvider(["http://testserver/oidc/callback/"])
    yield provider
    provider.stop()


@pytest.fixture
def council_accounts(settings, oidc_provider):
    """Sign-in with council accounts switched on, against the test provider."""
    council_account_settings(settings, oidc_provider)
    oidc_provider.id_token_mode("normal")
    yield oidc_provider
    oidc_provider.id_token_mode("normal")


@pytest.fixture
def browser_at(council_accounts):
    """A browser stand-in: the test client for our pages, its own cookies at the provider."""

    def make(client):
        return ProviderBrowser(council_accounts, client)

    return make
