"""What people type is escaped wherever it is shown."""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from organisations.models import Organisation
from surveys.models import OrganisationUpdate
from surveys.tokens import update_token
from tests.surveys.registration.test_registration import ALL_PAGES

from .test_registration import step_url

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'


def assert_escaped(html, where):
    assert "<script>alert(1)" not in html, f"raw <script> on {where}"
    assert "<img src=x onerror" not in html, f"raw <img onerror> on {where}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script&gt;alert(1)" in html, (
        f"the text is not shown on {where}"
    )


@pytest.mark.django_db
def test_user_text_is_escaped_wherever_it_is_shown(borough, officer, admin_user_, settings):
    settings.RATE_LIMIT_SUBMISSIONS = 100
    cache.clear()
    typed = {
        "about": {"name": f"Friends {SCRIPT}{IMAGE}", "description": f"We {SCRIPT} and {IMAGE}"},
        "service-parks": {"costs": f"{SCRIPT}{IMAGE}", "benefits": IMAGE, "concerns": SCRIPT},
        "contact": {"contact_name": f"Ada {SCRIPT}{IMAGE}"},
    }
    group_browser = Client()
    for key, page in ALL_PAGES:
        assert group_browser.post(step_url(key), {**page, **typed.get(key, {})}).status_code == 302, key
    assert_escaped(
        group_browser.get(reverse("surveys:register_check")).content.decode(), "check your answers"
    )
    group_browser.post(reverse("surveys:register_check"))
    group = Organisation.objects.get(name=typed["about"]["name"])
    interest = group.interests.get(service_area__slug="parks")

    office = Client()
    office.force_login(officer)
    pages = {
        "the moderation queue": reverse("surveys:moderation"),
        "the registration review": reverse("surveys:moderation_registration", args=[group.pk]),
        "the dashboard": reverse("dashboard"),
    }
    for where, url in pages.items():
        assert_escaped(office.get(url).content.decode(), where)
    office.post(reverse("surveys:moderation_registration", args=[group.pk]), {"action": "approve"})
    group.refresh_from_db()
    assert group.status == "approved"
    pages = {
        "the matrix": reverse("surveys:matrix"),
        "the matrix, searched": reverse("surveys:matrix") + "?q=" + quote(SCRIPT),
        "the organisation page": reverse("organisations:detail", args=[group.slug]),
        "the service page": reverse("services:detail", args=["parks"]),
        "the assessment page": reverse("services:assess", args=["parks", interest.pk]),
    }
    for where, url in pages.items():
        assert_escaped(office.get(url).content.decode(), where)

    # The group changes its answers through its link; the moderator sees the change field by field.
    token = update_token(group)
    group_browser.post(
        reverse("surveys:update_step", args=[token, "about"]) + "?change=1",
        {"name": f"Renamed {SCRIPT}", "description": IMAGE},
    )
    assert_escaped(
        group_browser.get(reverse("surveys:update_check", args=[token])).content.decode(), "checking a change"
    )
    group_browser.post(reverse("surveys:update_check", args=[token]))
    update = OrganisationUpdate.objects.get(organisation=group)
    assert_escaped(
        office.get(reverse("surveys:moderation_update", args=[update.pk])).content.decode(), "update"
    )

    admin = Client()
    admin.force_login(admin_user_)
    for where, url in {
        "the admin list": reverse("admin:organisations_organisation_changelist"),
        "the admin record": reverse("admin:organisations_organisation_change", args=[group.pk]),
        "the admin history": reverse("admin:organisations_organisation_history", args=[group.pk]),
        "the admin interests": reverse("admin:surveys_interest_changelist"),
    }.items():
        response = admin.get(url)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), where)
