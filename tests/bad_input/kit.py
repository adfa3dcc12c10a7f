"""Bad input, property-tested with Hypothesis: no form answers with a server error, nothing half-saved.

Every public form and every step of the three public journeys (registering a group, keeping it up
to date through its link, the residents' survey), the staff sign-in form and the officers'
assessment form are sent random text (control characters, NUL bytes, right-to-left marks, emoji,
strings of 10,000+ characters), missing fields, repeated fields, numbers and lists where text goes,
tampered choices and hidden fields, and steps replayed, skipped and sent twice.

After every request: no 5xx (the view's own exception is shown if there is one). After every
sequence: the tracked tables (organisations, interests, updates, resident responses and views,
assessments) hold either nothing new or exactly one complete set, from a journey that was
completed. Each example starts from the same data: its writes are rolled back afterwards.

The tests are in this package, one file per journey; `EXAMPLES` says how many examples each form or
journey gets.
"""

import traceback
from contextlib import contextmanager
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from organisations.models import Organisation
from surveys.models import Assessment, Interest, OrganisationUpdate, ResidentResponse, ResidentServiceView

EXAMPLES = {
    "registration pages, one at a time": 50,
    "registration journey, as sequences of steps": 40,
    "registration journey, completed with any text the forms accept": 15,
    "update link journey (change pages, check, confirm)": 40,
    "update link journey, every answer sent after a tampered copy": 15,
    "update link request form": 30,
    "residents' survey journey": 50,
    "staff sign-in form": 30,
    "officer assessment form": 40,
}

TRACKED = (Organisation, Interest, OrganisationUpdate, ResidentResponse, ResidentServiceView, Assessment)


def _examples(name):
    return hypothesis_settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        # Each example resets its own state (see example_state), and the strategies mean to make
        # 10,000-character strings, which Hypothesis would otherwise sometimes call too large.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


NASTY_TEXT = [
    "\x00",
    "Friends of the\x00Park",
    "\u202egroup name reversed\u202c",
    "\u200f\u200e\u200b\ufeff",
    "😀🌳👨‍👩‍👧‍👦",
    "\r\n\t \x0b\x0c",
    "\x1b[31mred\x1b[0m\x07",
    "line one\nline two",
    "<script>alert(1)</script>",
    "'; DROP TABLE organisations_organisation; --",
    "{{ request }}{% debug %}",
    "%00%0d%0a",
    '=HYPERLINK("http://evil.example")',
    "-1",
    "-99999999999999999999",
    "99999999999999999999999999",
    "1e400",
    "NaN",
    "Infinity",
    "٣٤",
    "１２",
    "   ",
    "",
]

long_text = st.builds(lambda char, n: char * n, st.characters(codec="utf-8"), st.integers(10_000, 12_000))
control_text = st.text(
    st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"], codec="utf-8"), min_size=1, max_size=12
)
text_value = st.one_of(st.text(max_size=40), control_text, st.sampled_from(NASTY_TEXT), long_text)
number_value = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
scalar_value = st.one_of(text_value, number_value)
# A field sent several times, as a tampered form or a replayed request would.
bad_value = st.one_of(scalar_value, st.lists(scalar_value, min_size=2, max_size=4))


# The honeypot people never see: mostly left empty, sometimes filled in, once or twice over.
honeypot = st.sampled_from(["", "", "", "", "", "", "buy now", " ", "\x00", ["", "spam"], ["spam", ""]])


def answer(*good):
    """A field's value: one a person could give, the same sent after a tampered copy, or a bad one."""
    if not good:
        return bad_value
    # A single-value field reads the last copy sent, so a form accepts this one: the bad copy
    # before it must be neither kept nor saved.
    tampered_copy = st.one_of(st.just("\x00"), text_value)
    shadowed = st.tuples(tampered_copy, st.sampled_from([g for g in good if not isinstance(g, list)] or [""]))
    return st.one_of(st.sampled_from(good), shadowed.map(list), bad_value)


junk_fields = st.dictionaries(
    st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12), bad_value, max_size=2
)


def form_data(spec):
    """Data for a form: any field may be missing, and a few fields nobody asked for may come too."""
    return st.builds(
        lambda fields, junk: {**junk, **fields}, st.fixed_dictionaries({}, optional=spec), junk_fields
    )


def values_of(value):
    """The values a field sent as `value` reaches the server as."""
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def last_value(data, name):
    """What a single-value field reads when a field is sent several times: the last value."""
    values = values_of(data[name]) if name in data else []
    return values[-1] if values else ""


def _shorten(data):
    def short(value):
        if isinstance(value, list):
            return [short(v) for v in value]
        text = repr(value)
        return text if len(text) < 120 else f"{text[:100]}... ({len(text)} characters)"

    return {key: short(value) for key, value in (data or {}).items()}


class Visitor:
    """A browser of its own (its own session) that fails the test on any server error."""

    def __init__(self, capture_on_commit, **defaults):
        self.client = Client(raise_request_exception=False, **defaults)
        self.capture_on_commit = capture_on_commit

    def get(self, url, **extra):
        return self._checked("GET", url, None, lambda: self.client.get(url, **extra))

    def post(self, url, data=None, *, urlencoded=False, **extra):
        data = data or {}

        def send():
            if urlencoded:
                body = urlencode({k: values_of(v) for k, v in data.items()}, doseq=True)
                return self.client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)
            return self.client.post(url, data, **extra)

        return self._checked("POST", url, data, send)

    def _checked(self, method, url, data, send):
        # Emails are sent once the transaction commits: run them, so their failures show too.
        with self.capture_on_commit(execute=True):
            response = send()
        if response.status_code >= 500:
            if response.exc_info:
                detail = "".join(traceback.format_exception(*response.exc_info))
            else:
                detail = response.content.decode(errors="replace")[:3000]
            raise AssertionError(
                f"{method} {url} answered {response.status_code}\ndata: {_shorten(data)}\n{detail}"
            )
        return response


def row_counts():
    return {model.__name__: model.objects.count() for model in TRACKED}


def added_rows(before):
    after = row_counts()
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


@contextmanager
def example_state():
    """One example: fresh rate limits, and every write undone afterwards."""
    cache.clear()
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
            cache.clear()
