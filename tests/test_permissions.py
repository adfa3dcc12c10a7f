"""Who gets what: every named URL × anonymous, officer, admin, and a group's link for another group.

A URL added without a row here fails `test_every_named_url_has_a_row`.
"""

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organisations.models import Organisation
from surveys.models import Interest, OrganisationUpdate, Survey
from surveys.tokens import SALT, update_token

LOGIN = "login"  # a redirect to /accounts/login/
ROLES = ("anonymous", "officer", "admin", "other_group")

# name: (anonymous, officer, admin, other group's link). A number is the status code.
TABLE = {
    "home": (200, 200, 200, 200),
    "privacy": (200, 200, 200, 200),
    "accessibility": (200, 200, 200, 200),
    "healthz": (200, 200, 200, 200),
    "login": (200, 302, 302, 200),  # signed-in staff are sent on
    "logout": (405, 405, 405, 405),  # POST only
    "dashboard": (LOGIN, 200, 200, LOGIN),
    "surveys:matrix": (LOGIN, 200, 200, LOGIN),
    "surveys:matrix_csv": (LOGIN, 200, 200, LOGIN),
    "surveys:matrix_xlsx": (LOGIN, 200, 200, LOGIN),
    "services:list": (LOGIN, 200, 200, LOGIN),
    "services:detail": (LOGIN, 200, 200, LOGIN),
    "services:assess": (LOGIN, 200, 200, LOGIN),
    "organisations:detail": (LOGIN, 200, 200, LOGIN),
    "surveys:moderation": (LOGIN, 200, 200, LOGIN),
    "surveys:moderation_registration": (LOGIN, 200, 200, LOGIN),
    "surveys:moderation_update": (LOGIN, 200, 200, LOGIN),
    "surveys:resident_start": (200, 200, 200, 200),
    "surveys:resident_section": (200, 200, 200, 200),
    "surveys:resident_about": (200, 200, 200, 200),  # optional questions; the check page guards
    "surveys:resident_check": (302, 302, 302, 302),
    "surveys:resident_thanks": (302, 302, 302, 302),  # only after answering
    "surveys:resident_results": (200, 200, 200, 200),  # the public see only published rounds
    "surveys:resident_results_csv": (404, 200, 200, 404),
    "surveys:register_start": (200, 200, 200, 200),
    "surveys:register_step": (200, 200, 200, 200),
    "surveys:register_check": (302, 302, 302, 302),  # nothing answered yet
    "surveys:register_done": (200, 200, 200, 200),
    "surveys:update_request": (200, 200, 200, 200),
    "surveys:update_requested": (200, 200, 200, 200),
    "surveys:update_sent": (200, 200, 200, 200),
    # The link is the key: it works for whoever holds it, and a link made for one group but
    # pointed at another is refused with the "not valid" page.
    "surveys:update": (200, 200, 200, 404),
    "surveys:update_step": (200, 200, 200, 404),
    "surveys:update_check": (302, 302, 302, 404),
    "surveys:update_data": (200, 200, 200, 404),
    "surveys:update_confirm": (405, 405, 405, 404),  # POST only; a bad link fails first
    "surveys:update_erase": (405, 405, 405, 404),
}


def _named_urls(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def test_every_named_url_has_a_row():
    assert set(_named_urls()) == set(TABLE)


@pytest.fixture
def world(borough, make_survey, make_organisation):
    cache.clear()
    residents = make_survey(slug="residents-now", kind=Survey.Kind.RESIDENT_VIEWS)
    friends = borough["friends"]
    update = OrganisationUpdate.objects.create(organisation=friends, answers={})
    forged = signing.dumps({"o": borough["carers"].pk, "n": "x"}, salt=SALT + ".elsewhere", compress=True)
    return {
        "token": update_token(friends),
        "forged": forged,
        "interest": Interest.objects.get(organisation=friends, service_area=borough["parks"]),
        "pending": Organisation.objects.get(slug="pending"),
        "update": update,
        "residents": residents,
        "category": borough["parks_cat"].slug,
    }


def _args(name, world, role):
    token = world["forged"] if role == "other_group" else world["token"]
    return {
        "services:detail": ["parks"],
        "services:assess": ["parks", world["interest"].pk],
        "organisations:detail": ["friends"],
        "surveys:moderation_registration": [world["pending"].pk],
        "surveys:moderation_update": [world["update"].pk],
        "surveys:resident_section": [world["category"]],
        "surveys:register_step": ["about"],
        "surveys:update": [token],
        "surveys:update_step": [token, "about"],
        "surveys:update_check": [token],
        "surveys:update_data": [token],
        "surveys:update_confirm": [token],
        "surveys:update_erase": [token],
    }.get(name, [])


def _client(role, officer, admin_user):
    client = Client()
    if role == "officer":
        client.force_login(officer)
    elif role == "admin":
        client.force_login(admin_user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(role, world, officer, admin_user_):
    client = _client(role, officer, admin_user_)
    answers = {}
    for name, expected in TABLE.items():
        want = expected[ROLES.index(role)]
        response = client.get(reverse(name, args=_args(name, world, role)))
        if want == LOGIN:
            got = (
                LOGIN
                if response.status_code == 302 and response.url.startswith("/accounts/login/")
                else (response.status_code)
            )
        else:
            got = response.status_code
        answers[name] = got
    assert answers == {name: expected[ROLES.index(role)] for name, expected in TABLE.items()}


@pytest.mark.django_db
def test_the_admin_is_for_staff_only(client, django_user_model, officer, admin_user_):
    assert client.get("/admin/").url.startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user("resident"))
    assert client.get("/admin/").url.startswith("/admin/login/")
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200  # staff, with view rights only
    client.force_login(admin_user_)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_unpublished_results_show_the_public_nothing(client, world, make_resident_response, borough):
    make_resident_response({borough["parks"]: "willing"}, survey=world["residents"])
    page = client.get(reverse("surveys:resident_results")).content.decode()
    assert "Parks" not in page
