import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple-42"


def test_start_page_and_admin_sign_in(page, check_accessibility, django_user_model, settings):
    django_user_model.objects.create_superuser("curator", "curator@example.org", PASSWORD)

    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Capacity Map"
    assert settings.COUNCIL_NAME in page.locator("header").inner_text()
    check_accessibility(page)

    page.get_by_role("button", name="Sign in as a council officer").click()
    page.wait_for_url("**/accounts/login/")
    check_accessibility(page)

    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error:")
    check_accessibility(page)

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: not url.endswith("/accounts/login/"))
    assert "You are signed in as curator" in page.locator("main").inner_text()
    check_accessibility(page)

    page.get_by_role("link", name="Go to the admin").click()
    page.wait_for_url("**/admin/")
    assert settings.COUNCIL_NAME in page.locator("#site-name").inner_text()
    assert page.get_by_role("link", name="Organisations").count() >= 1
    check_accessibility(page)


def test_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    for path, heading in [
        ("/", "Capacity Map"),
        ("/privacy/", "Privacy notice"),
        ("/accessibility/", "Accessibility statement for Capacity Map"),
    ]:
        page.goto(path)
        assert page.get_by_role("heading", level=1).inner_text() == heading
    context.close()


def test_public_pages_pass_axe(page, check_accessibility):
    for path in ("/privacy/", "/accessibility/"):
        page.goto(path)
        check_accessibility(page)


def test_the_accessibility_check_catches_violations(page, check_accessibility):
    page.set_content('<html><head><title>t</title></head><body><img src="a.png"></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)


def test_content_security_policy_lets_govuk_frontend_run(page):
    blocked = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    page.wait_for_selector("[data-govuk-skip-link-init]", state="attached")
    assert blocked == []
