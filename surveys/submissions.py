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


def first_send(model, submission_key):
    """What the first send of the form carrying this key stored (a group, an update, a resident's
    response), if it has been sent before."""
    if submission_key is None:
        return None
    return model.objects.filter(submission_key=submission_key).first()
