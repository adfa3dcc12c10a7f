"""How often one client may send a public form, counted in the shared cache (Redis in production).

When the shared cache cannot be reached, the public forms keep working: each web process counts
in its own memory until the cache is back, so the limit still holds per process (with two
gunicorn workers a visitor may send up to twice the limit), and /healthz reports the cache fault.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

# Used only while the shared cache is unreachable.
_fallback = LocMemCache("ratelimit-fallback", {"MAX_ENTRIES": 10000})


def _client_key(request, scope):
    # A keyed hash, so the cache never holds a visitor's address in the clear.
    address = request.META.get("REMOTE_ADDR", "")
    return f"ratelimit:{scope}:{salted_hmac('ratelimit', address).hexdigest()[:32]}"


def _count(cache, key, window_seconds):
    # add() starts the window only if none is running; incr() is atomic in Redis and LocMem.
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this attempt starts a new one.
        cache.set(key, 1, timeout=window_seconds)
        return 1


def allow(request, *, scope, limit=None, window_seconds=None) -> bool:
    """Count one attempt at `scope` by this client; False once it is over `limit` in the window."""
    limit = settings.RATE_LIMIT_SUBMISSIONS if limit is None else limit
    window_seconds = settings.RATE_LIMIT_WINDOW_SECONDS if window_seconds is None else window_seconds
    key = _client_key(request, scope)
    try:
        attempts = _count(caches["default"], key, window_seconds)
    except Exception as error:  # noqa: BLE001 - any fault of the cache server (refused, timed out …)
        logger.warning("Shared cache unreachable, counting %s in this process: %s", scope, error)
        attempts = _count(_fallback, key, window_seconds)
    return attempts <= limit
