"""Idempotency-Key on API POST and PATCH: a retried write is not done twice.

The first request with a key runs and its response (status, body, Location,
ETag) is kept for KEEP; the same key with the same method, path and body
gets that response again, marked `Idempotent-Replayed: true`; with another
body it is a 422; while the first is still running, a 409. Keys are per API
token (or per logged-in user for the browsable API). A 5xx, 401, 403, 409 or
429 is not kept: retrying it runs the request again.
"""

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from crm.core.api.problems import problem_response
from crm.integrations.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEEP = datetime.timedelta(hours=24)
# A request that has held its key this long has died: the key is free again.
ABANDONED = datetime.timedelta(minutes=5)
METHODS = {"POST", "PATCH"}
NOT_KEPT = {401, 403, 408, 409, 425, 429}
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")
MAX_KEY_LENGTH = 255


def _error(status, detail, kind=None):
    return problem_response(status, detail, kind=kind)


def _takes_method(request):
    """Whether the view at the request's path has a handler for its method."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    method = request.method.lower()
    actions = getattr(match.func, "actions", None)  # a viewset's method -> action
    if actions is not None:
        return method in actions
    view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return view is not None and hasattr(view, method)


def _scope(request):
    authorization = request.headers.get("Authorization")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method not in METHODS
            or not request.path.startswith("/api/")
        ):
            return self.get_response(request)
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)  # refused as unauthenticated anyway
        if not _takes_method(request):
            return self.get_response(request)  # its 405 (or 404) comes first
        if not key or len(key) > MAX_KEY_LENGTH:
            return _error(
                400,
                f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.",
                kind="invalid",
            )
        fingerprint = hashlib.sha256(
            b"\n".join([request.method.encode(), request.path.encode(), request.body])
        ).hexdigest()
        record, earlier = _claim(scope, key, fingerprint)
        if earlier is not None:
            return earlier
        try:
            response = self.get_response(request)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500 or response.status_code in NOT_KEPT:
            record.delete()
            return response
        record.status_code = response.status_code
        record.body = bytes(response.content)
        record.headers = {
            name: response[name] for name in REPLAYED_HEADERS if name in response
        }
        record.save(update_fields=["status_code", "body", "headers"])
        return response


def _claim(scope, key, fingerprint):
    """(the new record for this request, None) or (None, the response to give instead)."""
    now = timezone.now()
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint, created_at=now
                ), None
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if existing is None:
            continue
        expired = existing.created_at < now - KEEP
        abandoned = (
            existing.status_code is None and existing.created_at < now - ABANDONED
        )
        if expired or abandoned:
            existing.delete()
            continue
        if existing.fingerprint != fingerprint:
            return None, _error(
                422,
                f"This {HEADER} was used with another request body (or path); "
                "use a new key for a new request.",
                kind="idempotency_key_reused",
            )
        if existing.status_code is None:
            return None, _error(
                409,
                f"A request with this {HEADER} is still running; retry later.",
                kind="in_progress",
            )
        replay = HttpResponse(bytes(existing.body), status=existing.status_code)
        for name, value in existing.headers.items():
            replay[name] = value
        replay["Idempotent-Replayed"] = "true"
        return None, replay
    return None, _error(
        409, f"A request with this {HEADER} is still running.", kind="in_progress"
    )


def purge(now=None):
    """Forget keys older than KEEP."""
    cutoff = (now or timezone.now()) - KEEP
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]
