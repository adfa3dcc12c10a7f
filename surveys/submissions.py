"""A random key on each send form, so the same form sent again (a double click, a retry, a second
tab) is recognised and stored once. It names the form, never the person sending it."""

import uuid

FIELD = "submission_key"


def new_key() -> str:
    return str(uuid.uuid4())


def posted_key(request):
    """The key the send form carried; None if it carried none, or something that is not a key."""
    try:
        return uuid.UUID(str(request.POST.get(FIELD, "")))
    except ValueError:
        return None
