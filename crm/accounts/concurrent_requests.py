"""At most API_MAX_CONCURRENT_REQUESTS_PER_TOKEN requests of one token run at once.

Six slow requests from one token made a cheap one wait 24 s: each held a
worker. The rate limit (crm.accounts.throttling) counts requests per minute,
not how many run at the same moment, so a token also has a few slots: a
request takes one for as long as it runs, and a request that finds them all
taken gets 429 at once.

Slots are cache keys (Redis in production, shared by every worker), taken with
`cache.add`, which succeeds for one caller only, and given back in a `finally`.
Each expires after SLOT_SECONDS, so a slot whose worker died frees itself.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication

from crm.accounts.services import hash_secret
from crm.core.api.errors import API_PREFIX
from crm.core.api.problems import problem_response

# Longer than any request may run (the WSGI server's timeout), so a slot is
# never freed under a running request, and short enough that one lost with
# its worker comes back within minutes.
SLOT_SECONDS = 300
RETRY_AFTER_SECONDS = 1


class NoFreeSlot(Exception):
    pass


@contextmanager
def request_slot(client: str, limit: int):
    """Hold one of `client`'s `limit` slots for the block; NoFreeSlot if none is free."""
    for number in range(limit):
        key = f"concurrent-requests:{client}:{number}"
        if cache.add(key, 1, timeout=SLOT_SECONDS):
            break
    else:
        raise NoFreeSlot
    try:
        yield
    finally:
        cache.delete(key)


def bearer_client(request) -> str | None:
    """Who a request's bearer token says it is, as the hash of its secret.

    Read from the header, not from the database: the slot is taken before the
    token is looked up, so an unknown token's requests (a 401 each) are held
    to the same few at once.
    """
    parts = authentication.get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"bearer":
        return None
    try:
        return hash_secret(parts[1].decode("ascii"))
    except UnicodeDecodeError:
        return None


class ConcurrentRequestsLimitMiddleware:
    """429 for an API request whose token already has its limit of requests running."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        client = bearer_client(request) if request.path.startswith(API_PREFIX) else None
        if client is None:
            return self.get_response(request)
        limit = settings.API_MAX_CONCURRENT_REQUESTS_PER_TOKEN
        try:
            with request_slot(client, limit):
                return self.get_response(request)
        except NoFreeSlot:
            response = problem_response(
                429,
                f"Too many requests at once: this token may have {limit} "
                "running at the same time. Wait for one to finish, then retry.",
                kind="throttled",
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
