"""Where a registration or update draft is kept in the session; privacy clears them."""

# A new registration's draft, and each group's update's.
REGISTRATION_SESSION = "registration"
UPDATE_SESSION_PREFIX = "update-"


def update_session_key(organisation):
    return f"{UPDATE_SESSION_PREFIX}{organisation.pk}"
