"""The public registration journey, page by page, through the test client."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from organisations.models import Organisation
from surveys.matrix.selectors import MatrixFilters, capacity_matrix
from surveys.models import Interest
from tests.conftest import run_outbox_worker

ABOUT = {"name": "Friends of Riverside Park", "description": "We look after Riverside Park."}
TYPE = {
    "org_type": "friends_of",
    "charity_regulator": "ccew",
    "charity_number": "1 123 456",
    "company_number": "",
    "society_number": "",
}
WHERE = {"area": "wards", "wards": ["E05000101"]}
SIZE = {
    "volunteers": "25",
    "paid_staff": "",
    "income_band": "under_10k",
    "year_founded": "2004",
    "safeguarding_policy": "yes",
    "public_liability_insurance": "yes",
}
SERVICES = {"services": ["parks", "day-care"]}
PARKS = {
    "roles": ["deliver", "co_govern"],
    "involvement": "deliver_part",
    "readiness": "ready_now",
    "volunteers_offered": "12",
    "hours_per_week": "30",
    "support_needed": ["funding", "insurance"],
    "costs": "About £2,000 a year for tools.",
    "benefits": "Tidier park.",
    "concerns": "",
}
DAY_CARE = {
    "roles": ["co_govern"],
    "involvement": "governance_seat",
    "readiness": "future",
    "volunteers_offered": "",
    "hours_per_week": "",
    "costs": "",
    "benefits": "",
    "concerns": "",
}
CONTACT = {
    "contact_name": "Ada Lovelace",
    "contact_email": "ada@example.org",
    "contact_phone": "01632 960001",
    "postcode": "aw1 2ab",
    "website": "",
    "public_email": "",
    "public_phone": "",
    "consent": "on",
    "extra_details": "",
}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def step(key):
    return reverse("surveys:register_step", args=[key])


def fill_in(client, pages):
    """Post each page; return the last response."""
    response = None
    for key, data in pages:
        response = client.post(step(key), data)
        assert response.status_code == 302, (key, response.content.decode()[:3000])
    return response


ALL_PAGES = [
    ("about", ABOUT),
    ("type", TYPE),
    ("where", WHERE),
    ("size", SIZE),
    ("services", SERVICES),
    ("service-parks", PARKS),
    ("service-day-care", DAY_CARE),
    ("contact", CONTACT),
]


@pytest.mark.django_db
def test_the_whole_journey_registers_a_pending_group_with_its_interests(
    client, borough, settings, django_capture_on_commit_callbacks
):
    settings.MODERATOR_EMAILS = ["community.team@example.gov.uk"]
    start = client.get(reverse("surveys:register_start")).content.decode()
    assert "Start now" in start and borough["current"].title in start

    pages = [client.post(step(key), data) for key, data in ALL_PAGES]
    assert [r.url for r in pages] == [
        step("type"),
        step("where"),
        step("size"),
        step("services"),
        step("service-parks"),
        step("service-day-care"),
        step("contact"),
        reverse("surveys:register_check"),
    ]
    check = client.get(reverse("surveys:register_check")).content.decode()
    for text in (
        "Friends of Riverside Park",
        "1123456",
        "Northgate",
        "Ready now",
        "Funding, Insurance",
        "Ada Lovelace",
        "How your group could help: Day care",
    ):
        assert text in check
    assert f'href="{step("about")}?change=1"' in check

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surveys:register_check"))
    assert response.url == reverse("surveys:register_done")
    group = Organisation.objects.get(name="Friends of Riverside Park")
    assert (group.status, group.charity_number, group.org_id, group.postcode) == (
        "pending",
        "1123456",
        "GB-CHC-1123456",
        "AW1 2AB",
    )
    assert group.consent_at is not None
    assert list(group.wards.values_list("gss_code", flat=True)) == ["E05000101"]
    interests = {i.service_area.slug: i for i in Interest.objects.filter(organisation=group)}
    assert set(interests) == {"parks", "day-care"}
    assert interests["parks"].support_needed == ["funding", "insurance"]
    assert (interests["day-care"].delivers, interests["day-care"].co_governs) == (False, True)

    done = client.get(reverse("surveys:register_done")).content.decode()
    assert group.reference in done

    # Not in the matrix until approved.
    matrix = capacity_matrix(filters=MatrixFilters(), survey=borough["current"], limit=50)
    assert group not in [row.organisation for row in matrix.rows]
    run_outbox_worker()
    acknowledgement, notice = mail.outbox
    assert acknowledgement.to == ["ada@example.org"] and group.reference in acknowledgement.body
    assert "Parks (deliver and co-govern, ready now)" in acknowledgement.body
    assert notice.to == ["community.team@example.gov.uk"]
    assert f"/moderation/registrations/{group.pk}/" in notice.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "data", "errors"),
    [
        ("about", {"name": "", "description": "kept"}, {"#id_name": "Enter the name of your group"}),
        (
            "type",
            {"org_type": "", "charity_regulator": "oscr", "charity_number": "12345"},
            {
                "#id_org_type_1": "Select the type of group",
                "#id_charity_number": "A Scottish charity number is SC followed by 6 digits",
            },
        ),
        (
            "type",
            {"org_type": "charity", "charity_number": "1123456"},
            {"#id_charity_regulator": "Select which regulator"},
        ),
        (
            "type",
            {"org_type": "social_enterprise", "company_number": "123456789"},
            {"#id_company_number": "A company number is 8 digits"},
        ),
        ("where", {"area": "wards"}, {"#id_wards_1": "Select the wards your group works in"}),
        (
            "size",
            {"volunteers": "lots", "year_founded": "3020"},
            {
                "#id_volunteers": "Volunteers must be a whole number",
                "#id_year_founded": "Year founded must be this year or earlier",
                "#id_safeguarding_policy_1": "Select yes if your group has a safeguarding policy",
            },
        ),
        (
            "services",
            {"services": ["parks", "not-a-service"]},
            {"#id_services_1": "Select services from the list"},
        ),
        (
            "contact",
            {"contact_name": "Ada", "contact_email": "not-an-email", "postcode": "XYZ"},
            {
                "#id_contact_email": "Enter an email address in the correct format",
                "#id_postcode": "Enter a full UK postcode",
                "#id_consent": "You must agree before we can keep your contact details",
            },
        ),
    ],
)
def test_each_error_is_summarised_with_a_link_and_the_answers_are_kept(client, borough, key, data, errors):
    if key == "contact":
        fill_in(client, ALL_PAGES[:-1])
    if key == "services":
        fill_in(client, ALL_PAGES[:4])
    response = client.post(step(key), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "<title>Error:" in page
    for anchor, message in errors.items():
        assert f'href="{anchor}"' in page, anchor
        assert message in page
        assert anchor[1:] in page.split("govuk-error-summary")[-1] or f'id="{anchor[1:]}"' in page
    for value in (v for v in data.values() if isinstance(v, str) and v):
        assert value in page  # what was typed is kept
    assert not Organisation.objects.filter(name=ABOUT["name"]).exists()


@pytest.mark.django_db
def test_back_and_change_links(client, borough):
    fill_in(client, ALL_PAGES)
    page = client.get(step("where")).content.decode()
    assert f'href="{step("type")}" class="govuk-back-link"' in page
    first = client.get(step("about")).content.decode()
    assert f'href="{reverse("surveys:register_start")}" class="govuk-back-link"' in first
    assert 'value="Friends of Riverside Park"' in first  # answers survive coming back
    response = client.post(
        step("about") + "?change=1", {**ABOUT, "name": "Friends of Riverside Park and Woods"}
    )
    assert response.url == reverse("surveys:register_check")
    assert "Friends of Riverside Park and Woods" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_choosing_another_service_asks_about_it_before_checking(client, borough):
    fill_in(client, ALL_PAGES)
    response = client.post(step("services") + "?change=1", {"services": ["parks", "allotments"]})
    assert response.url == step("service-allotments") + "?change=1"
    assert client.get(reverse("surveys:register_check")).url == step("service-allotments")


@pytest.mark.django_db
def test_skipped_or_tampered_pages_save_nothing(client, borough):
    assert client.get(reverse("surveys:register_check")).url == step("about")
    response = client.post(reverse("surveys:register_check"))
    assert response.url == step("about")
    fill_in(client, ALL_PAGES[:4])
    assert client.get(step("service-parks")).status_code == 404  # not chosen yet
    assert client.get(step("no-such-page")).status_code == 404
    # A page whose kept answers became invalid sends the group back to it.
    session = client.session
    session["registration"]["size"]["volunteers"] = ["-4"]
    session.save()
    fill_in(client, ALL_PAGES[4:])
    assert client.post(reverse("surveys:register_check")).url == step("size")
    assert Organisation.objects.filter(name=ABOUT["name"]).count() == 0


@pytest.mark.django_db
def test_replaying_the_final_submission_saves_once(client, borough):
    fill_in(client, ALL_PAGES)
    client.post(reverse("surveys:register_check"))
    replay = client.post(reverse("surveys:register_check"))
    assert replay.url == step("about")
    assert Organisation.objects.filter(name=ABOUT["name"]).count() == 1
    assert Interest.objects.filter(organisation__name=ABOUT["name"]).count() == 2


@pytest.mark.django_db
def test_a_likely_duplicate_is_flagged_without_revealing_it(client, borough, officer):
    borough["carers"].charity_number = "1123456"
    borough["carers"].save()
    fill_in(client, ALL_PAGES)
    check = client.get(reverse("surveys:register_check")).content.decode()
    assert "Your group may already be registered" in check
    assert "Carers Together" not in check
    client.post(reverse("surveys:register_check"))
    client.force_login(officer)
    queue = client.get(reverse("surveys:moderation")).content.decode()
    assert "Possible duplicate" in queue
    group = Organisation.objects.get(name=ABOUT["name"])
    review = client.get(reverse("surveys:moderation_registration", args=[group.pk])).content.decode()
    assert "This may be a duplicate of" in review and "Carers Together" in review


@pytest.mark.django_db
def test_a_near_identical_name_is_a_likely_duplicate(client, borough):
    fill_in(client, [("about", {**ABOUT, "name": "The Friends of Ashwick Park Ltd"}), *ALL_PAGES[1:]])
    assert "may already be registered" in client.get(reverse("surveys:register_check")).content.decode()


@pytest.mark.django_db
def test_with_no_round_open_the_profile_is_still_taken(client, borough, make_survey):
    import datetime

    from django.utils import timezone

    borough["current"].closes_at = timezone.now() - datetime.timedelta(days=1)
    borough["current"].opens_at = timezone.now() - datetime.timedelta(days=30)
    borough["current"].save()
    make_survey(
        slug="capacity-2027",
        title="Community capacity 2027",
        opens_at=timezone.now() + datetime.timedelta(days=40),
        closes_at=timezone.now() + datetime.timedelta(days=90),
    )
    start = client.get(reverse("surveys:register_start")).content.decode()
    assert "Community capacity 2027" in start and "You can still register your group now" in start
    response = client.post(step("size"), SIZE)
    fill_in(client, [p for p in ALL_PAGES if not p[0].startswith("service")])
    assert response.url == step("contact")
    client.post(reverse("surveys:register_check"))
    group = Organisation.objects.get(name=ABOUT["name"])
    assert group.interests.count() == 0


@pytest.mark.django_db
def test_honeypot_looks_successful_but_keeps_nothing(client, borough):
    fill_in(client, ALL_PAGES[:-1])
    client.post(step("contact"), {**CONTACT, "extra_details": "http://spam.example"})
    response = client.post(reverse("surveys:register_check"))
    assert response.url == reverse("surveys:register_done")
    assert "Registration sent" in client.get(response.url).content.decode()
    assert not Organisation.objects.filter(name=ABOUT["name"]).exists()


@pytest.mark.django_db
def test_the_honeypot_is_hidden_from_people(client, borough):
    page = client.get(step("contact")).content.decode()
    hidden = page.split('class="govuk-visually-hidden"  aria-hidden="true">')[1].split("</form>")[0]
    assert "Leave this field empty" in hidden
    assert 'name="extra_details" autocomplete="off" tabindex="-1"' in hidden


@pytest.mark.django_db
def test_rate_limit_per_address(client, borough, settings):
    settings.RATE_LIMIT_SUBMISSIONS = 2
    for n in range(2):
        fill_in(client, [("about", {**ABOUT, "name": f"Group number {n}"}), *ALL_PAGES[1:]])
        assert client.post(reverse("surveys:register_check")).status_code == 302
    fill_in(client, [("about", {**ABOUT, "name": "Group number 3"}), *ALL_PAGES[1:]])
    response = client.post(reverse("surveys:register_check"))
    assert response.status_code == 429
    assert "too many attempts" in response.content.decode()
    assert not Organisation.objects.filter(name="Group number 3").exists()
    other = client.post(reverse("surveys:register_check"), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


@pytest.mark.django_db
def test_long_text_is_refused_by_the_field(client, borough):
    response = client.post(step("about"), {"name": "x" * 201, "description": "y" * 2001})
    page = response.content.decode()
    assert "Ensure this value has at most 200 characters" in page
    assert "Ensure this value has at most 2000 characters" in page


@pytest.mark.django_db
def test_forms_refuse_posts_without_a_csrf_token(borough):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(step("about"), ABOUT).status_code == 403
    page = strict.get(step("about")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert strict.post(reverse("surveys:register_check")).status_code == 403
    assert strict.post(reverse("surveys:update_request"), {"email": "a@example.org"}).status_code == 403


@pytest.mark.django_db
def test_a_contact_page_posted_without_the_honeypot_field_still_submits(client, borough):
    fill_in(client, ALL_PAGES[:-1])
    client.post(step("contact"), {k: v for k, v in CONTACT.items() if k != "extra_details"})
    response = client.post(reverse("surveys:register_check"))
    assert response.url == reverse("surveys:register_done")
    assert Organisation.objects.filter(name=ABOUT["name"]).count() == 1
