"""API rate limits: so many requests per token (or per logged-in user) a period.

Every API response to a known caller says where they stand: X-RateLimit-Limit
(requests a window), X-RateLimit-Remaining (left in this one) and
X-RateLimit-Reset (when it ends, in Unix seconds), so a client can slow down
before the 429.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject, empty
from rest_framework import throttling
from rest_framework.settings import api_settings

from crm.accounts.concurrent_requests import bearer_client
from crm.accounts.models import ApiToken
from crm.core.api.errors import API_PREFIX

SCOPE = "api"


@dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    reset: float  # Unix time the window ends

    def headers(self):
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset)),
        }


class TokenRateThrottle(throttling.BaseThrottle):
    """A fixed-window counter per token, at the rate of DEFAULT_THROTTLE_RATES["api"].

    DRF's SimpleRateThrottle keeps a list of every request's time per client:
    at thousands of requests a minute that list is read and written whole on
    every request, and two workers can lose each other's updates. A counter
    per window costs one atomic increment (on Redis, shared by every worker).
    A client may burst up to twice the rate across a window's end.
    """

    timer = time.time

    def allow_request(self, request, view):
        client = self.client_key(request)
        if client is None:
            return True
        limit, period = self.parse_rate(api_settings.DEFAULT_THROTTLE_RATES[SCOPE])
        now = self.timer()
        window = int(now // period)
        key = self.counter_key(client, window)
        # The key outlives its window a little, so a late increment still finds it.
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add() and incr()
            cache.set(key, 1, timeout=period + 1)
            count = 1
        self.retry_after = (window + 1) * period - now
        return count <= limit

    def wait(self):
        return self.retry_after

    def status(self, request, client=None):
        """The caller's RateLimit now, or None for an unknown caller."""
        client = client or self.client_key(request)
        if client is None:
            return None
        limit, period = self.parse_rate(api_settings.DEFAULT_THROTTLE_RATES[SCOPE])
        window = int(self.timer() // period)
        used = cache.get(self.counter_key(client, window), 0)
        return RateLimit(
            limit=limit, remaining=max(limit - used, 0), reset=(window + 1) * period
        )

    @staticmethod
    def counter_key(client, window):
        return f"throttle:{SCOPE}:{client}:{window}"

    def client_key(self, request):
        # A DRF request, or the Django request it authenticated (DRF sets
        # `user` and `auth` on both).
        if isinstance(getattr(request, "auth", None), ApiToken):
            # The hash of its secret, which a middleware can read from the
            # header before (or without) looking the token up.
            return token_client(request.auth.key_hash)
        user = getattr(request, "user", None)
        if user and user.is_authenticated:
            return f"user-{request.user.pk}"
        # Anonymous requests get their 401 before any throttle runs.
        return None

    @staticmethod
    def parse_rate(rate):
        """'6000/minute' -> (6000, 60): requests allowed, period in seconds."""
        count, period = rate.split("/")
        return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def token_client(key_hash):
    return f"token-{key_hash}"


class RateLimitHeadersMiddleware:
    """The caller's X-RateLimit-* headers on every API response.

    Read after the response, at the cost of one cache read of the counter
    the throttle increments. The caller is the user DRF authenticated or,
    for a response made before DRF ran (a 413, a replayed Idempotency-Key,
    too many at once), the bearer token in the header. A 401 has no caller,
    nor has a session whose user DRF never looked up (that would be a
    database query, perhaps while the database is down).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code == 401:
            return response
        throttle = TokenRateThrottle()
        client = None
        user = request.__dict__.get("user")
        if user is None or (
            isinstance(user, SimpleLazyObject) and user._wrapped is empty
        ):
            # Not looked up by DRF: only a bearer token says who called.
            key_hash = bearer_client(request)
            client = token_client(key_hash) if key_hash else None
            if client is None:
                return response
        status = throttle.status(request, client)
        if status is not None:
            for name, value in status.headers().items():
                response[name] = value
        return response
