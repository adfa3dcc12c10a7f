"""Who gets what: every named URL × anonymous, officer, admin, and a group's link for another group;
and every admin import and export page × those roles and a staff account with no permissions.

A URL added without a row here fails `test_every_named_url_has_a_row`, and an admin given
import or export without rows here fails `test_every_import_export_admin_has_rows`.
"""

import pytest
from django.contrib import admin
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
    # Sign-in with council accounts is off here (tests/oidc/ switch it on): its pages are 404,
    # and the page a council account with no role is sent to is a 403 for everyone.
    "oidc_authentication_init": (404, 404, 404, 404),
    "oidc_authentication_callback": (404, 404, 404, 404),
    "no_access": (403, 403, 403, 403),
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
    "outbox:list": (LOGIN, 200, 200, LOGIN),
    "outbox:resend": (LOGIN, 405, 405, LOGIN),  # POST only
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


ADMIN_LOGIN = "admin login"  # a redirect to /admin/login/
ADMIN_ROLES = (*ROLES, "staff")  # staff: may sign in to the admin, holds no permissions
IMPORT_EXPORT_MODELS = (
    "services_servicearea",
    "organisations_ward",
    "organisations_organisation",
    "surveys_interest",
)
# Importing needs add and change permission, exporting at least view; officers only view.
# process_import is POSTed (empty): a user allowed to import gets the form back with its errors.
ADMIN_TABLE = {
    **{f"admin:{m}_import": (ADMIN_LOGIN, 403, 200, ADMIN_LOGIN, 403) for m in IMPORT_EXPORT_MODELS},
    **{f"admin:{m}_process_import": (ADMIN_LOGIN, 403, 200, ADMIN_LOGIN, 403) for m in IMPORT_EXPORT_MODELS},
    **{f"admin:{m}_export": (ADMIN_LOGIN, 200, 200, ADMIN_LOGIN, 403) for m in IMPORT_EXPORT_MODELS},
}


def test_every_import_export_admin_has_rows():
    offered = {
        f"{model._meta.app_label}_{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if hasattr(model_admin, "has_import_permission") or hasattr(model_admin, "has_export_permission")
    }
    assert offered == set(IMPORT_EXPORT_MODELS)


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
        "outbox:resend": [1],
        "surveys:resident_section": [world["category"]],
        "surveys:register_step": ["about"],
        "surveys:update": [token],
        "surveys:update_step": [token, "about"],
        "surveys:update_check": [token],
        "surveys:update_data": [token],
        "surveys:update_confirm": [token],
        "surveys:update_erase": [token],
    }.get(name, [])


def _client(role, officer, admin_user, staff=None):
    client = Client()
    if role == "officer":
        client.force_login(officer)
    elif role == "admin":
        client.force_login(admin_user)
    elif role == "staff":
        client.force_login(staff)
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
@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_admin_import_export_permission_table(role, world, officer, admin_user_, django_user_model):
    staff = django_user_model.objects.create_user("staff-no-permissions", is_staff=True)
    client = _client(role, officer, admin_user_, staff)
    answers = {}
    for name in ADMIN_TABLE:
        url = reverse(name)
        response = client.post(url) if name.endswith("_process_import") else client.get(url)
        signed_out = response.status_code == 302 and response.url.startswith("/admin/login/")
        answers[name] = ADMIN_LOGIN if signed_out else response.status_code
    assert answers == {name: expected[ADMIN_ROLES.index(role)] for name, expected in ADMIN_TABLE.items()}


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
