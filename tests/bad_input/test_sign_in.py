"""Bad input on the staff sign-in form."""

import unicodedata

import pytest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import event, given
from hypothesis import strategies as st

from .kit import Visitor, _examples, added_rows, answer, example_state, form_data, last_value, row_counts

USERNAME, PASSWORD = "officer-signin", "correct-horse-battery-staple-42"


@pytest.mark.django_db
@_examples("staff sign-in form")
@given(
    attempts=st.lists(
        st.one_of(
            form_data(
                {
                    "username": answer(USERNAME, USERNAME.upper(), "nobody", ""),
                    "password": answer(PASSWORD, "not-the-password", ""),
                    "next": answer(
                        "/matrix/", "https://evil.example/", "//evil.example/", "javascript:alert(1)"
                    ),
                }
            ),
            st.builds(
                lambda next_url: {"username": USERNAME, "password": PASSWORD, "next": next_url},
                answer("/matrix/", "https://evil.example/", "//evil.example/"),
            ),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_signing_in_with_any_input_is_never_a_server_error_nor_lets_anyone_in(
    borough, django_user_model, django_capture_on_commit_callbacks, settings, attempts
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with example_state():
        user = django_user_model.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
        visitor = Visitor(django_capture_on_commit_callbacks)
        for sent in attempts:
            before = row_counts()
            already = visitor.client.session.get("_auth_user_id")
            response = visitor.post(reverse("login"), sent)
            signed_in = visitor.client.session.get("_auth_user_id")
            event("signed in" if signed_in else f"not signed in: {response.status_code}")
            if already:
                # Signed in already: the sign-in page sends the officer on, never off the site.
                assert response.status_code == 302
            elif signed_in:
                assert signed_in == str(user.pk)
                username = unicodedata.normalize("NFKC", last_value(sent, "username")).strip()
                assert (username, last_value(sent, "password")) == (USERNAME, PASSWORD)
            else:
                assert response.status_code in (200, 403, 429)
            if response.status_code == 302:
                assert url_has_allowed_host_and_scheme(response.url, allowed_hosts={"testserver"})
            assert added_rows(before) == {}


@pytest.mark.django_db
def test_a_username_longer_than_any_is_refused_by_the_field(client, django_user_model):
    response = client.post(reverse("login"), {"username": "o" * 10_000, "password": PASSWORD})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters (it has 10000)." in response.content.decode()
