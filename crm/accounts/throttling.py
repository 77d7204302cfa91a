"""API rate limits: so many requests per token (or per logged-in user) a period."""

import time

from django.core.cache import cache
from rest_framework import throttling
from rest_framework.settings import api_settings

from crm.accounts.models import ApiToken

SCOPE = "api"


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
        key = f"throttle:{SCOPE}:{client}:{window}"
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

    def client_key(self, request):
        if isinstance(request.auth, ApiToken):
            return f"token-{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        # Anonymous requests get their 401 before any throttle runs.
        return None

    @staticmethod
    def parse_rate(rate):
        """'6000/minute' -> (6000, 60): requests allowed, period in seconds."""
        count, period = rate.split("/")
        return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
