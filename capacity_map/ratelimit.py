"""How often one client may send a public form, counted in the shared cache (Redis in production)."""

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def _client_key(request, scope):
    # A keyed hash, so the cache never holds a visitor's address in the clear.
    address = request.META.get("REMOTE_ADDR", "")
    return f"ratelimit:{scope}:{salted_hmac('ratelimit', address).hexdigest()[:32]}"


def allow(request, *, scope, limit=None, window_seconds=None) -> bool:
    """Count one attempt at `scope` by this client; False once it is over `limit` in the window."""
    limit = settings.RATE_LIMIT_SUBMISSIONS if limit is None else limit
    window_seconds = settings.RATE_LIMIT_WINDOW_SECONDS if window_seconds is None else window_seconds
    key = _client_key(request, scope)
    # add() starts the window only if none is running; incr() is atomic in Redis and LocMem.
    cache.add(key, 0, timeout=window_seconds)
    try:
        attempts = cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this attempt starts a new one.
        cache.set(key, 1, timeout=window_seconds)
        attempts = 1
    return attempts <= limit
