"""Real-browser tests: Playwright drives the system Chromium; axe-core checks every page.

When Chromium, Playwright or axe-core is missing the tests are skipped with the reason, unless
REQUIRE_BROWSER=1, when they fail instead (CI sets it).
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_PATH = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# WCAG A and AA, and axe's best practices (landmarks, one h1, headings in order, unique regions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def _missing():
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return None, "no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None, "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not AXE_PATH.exists():
        return None, f"axe-core is not installed at {AXE_PATH} (cd frontend && npm ci)"
    return chromium, ""


@pytest.fixture(scope="session")
def chromium_path():
    path, reason = _missing()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def check_accessibility():
    """Run axe-core on the page and fail with a readable list of any WCAG A/AA or best-practice violations."""

    def check(page):
        # Evaluated through the DevTools protocol, which the site's Content Security Policy does
        # not govern, so axe-core runs against the page exactly as visitors get it.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        violations = result["violations"]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe-core found violations on {page.url}:\n{report}"
        return result

    return check
