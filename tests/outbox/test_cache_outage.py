"""Redis down while REDIS_URL is set: public forms keep working and /healthz reports the fault."""

import json
import socket

import pytest
from django.test import RequestFactory
from django.urls import reverse

from capacity_map.ratelimit import allow
from organisations.models import Organisation
from surveys.models import ResidentResponse
from tests.surveys.registration.test_registration import ALL_PAGES, fill_in
from tests.surveys.residents.test_resident_survey import answer_everything, residents_round  # noqa: F401


def _closed_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.fixture
def unreachable_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_a_registration_is_sent_while_the_cache_is_unreachable(client, borough, unreachable_redis):
    fill_in(client, ALL_PAGES)
    response = client.post(reverse("surveys:register_check"))
    assert response.status_code == 302 and response.url == reverse("surveys:register_done")
    assert Organisation.objects.filter(name="Friends of Riverside Park", status="pending").count() == 1


def test_the_rate_limit_still_counts_in_the_process_while_the_cache_is_unreachable(
    client, borough, unreachable_redis, settings
):
    settings.RATE_LIMIT_SUBMISSIONS = 1
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.44")
    assert allow(request, scope="outage-test") is True
    assert allow(request, scope="outage-test") is False


def test_the_residents_survey_is_sent_while_the_cache_is_unreachable(
    client,
    borough,
    residents_round,  # noqa: F811
    unreachable_redis,
):
    response = answer_everything(client, borough)
    assert response.status_code == 302 and response.url == reverse("surveys:resident_thanks")
    assert ResidentResponse.objects.count() == 1


def test_healthz_reports_the_cache_unreachable(client, db, unreachable_redis):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200  # the site still works: keep it in the load balancer
    assert (body["status"], body["database"], body["cache"]) == ("degraded", "ok", "unreachable")
    strict = client.get("/healthz?strict=1")
    assert strict.status_code == 503 and json.loads(strict.content)["cache"] == "unreachable"
