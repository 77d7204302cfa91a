"""Failures counted per client address: failed logins and refused API tokens.

A guesser is held back by the address it guesses from, not only by the
account it guesses at: past the limit its tries are refused unchecked, so they
no longer count against the account (django-axes records no failure for a
refused try) and cannot keep someone else's account locked.
"""

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str | None:
    """The client's IP address, as seen by the first trusted proxy if there is one.

    Behind DJANGO_TRUSTED_PROXY_COUNT proxies (the TLS proxy: 1), REMOTE_ADDR
    is the nearest proxy's, and the client's is the address the first proxy
    wrote into X-Forwarded-For; the entries left of it are the client's say.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    # None for a request made in code (the test client's force_login).
    return request.META.get("REMOTE_ADDR") or None


class FailuresByAddress:
    """At most `limit` failures of one kind per address in a window of `seconds`.

    A fixed window per address: a counter that expires with its window,
    incremented atomically (on Redis, shared by every worker).
    """

    def __init__(self, kind: str, limit: int, seconds: int):
        self.kind = kind
        self.limit = limit
        self.seconds = seconds

    def key(self, request) -> str:
        return f"failures:{self.kind}:{client_address(request)}"

    def exceeded(self, request) -> bool:
        return cache.get(self.key(request), 0) >= self.limit

    def record(self, request) -> None:
        key = self.key(request)
        cache.add(key, 0, timeout=self.seconds)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=self.seconds)


def failed_logins():
    return FailuresByAddress(
        "login",
        settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        int(settings.LOGIN_ADDRESS_WINDOW.total_seconds()),
    )


def refused_tokens():
    return FailuresByAddress("token", settings.API_INVALID_TOKEN_LIMIT, 60)
