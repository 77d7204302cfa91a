"""Webhooks: subscribing, turning outbox entries into deliveries, and sending them.

Deliveries are computed from the outbox (crm.integrations.outbox) by a
background task, as the endpoint's owner sees each change (the same rules as
the changes feed, crm.integrations.feed), frozen as the body that is signed
and sent on every attempt. They are sent by django-tasks' database worker
(`manage.py db_worker`): at least once, one record's deliveries in order,
retried on the schedule below; after the last failure the endpoint is
disabled (the admin says so) and its deliveries wait until it is enabled.
"""

import datetime
import json
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from crm.integrations import destinations, feed, resources, signing
from crm.integrations.models import (
    ChangeEntry,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

Status = WebhookDelivery.Status
# How long a previous secret keeps signing after a rotation.
ROTATION_OVERLAP = datetime.timedelta(hours=24)
# Entries turned into deliveries per dispatch run; the next run takes the rest.
DISPATCH_BATCH = 500
# A worker holding a delivery longer than this (it died) lets another take it.
CLAIM = datetime.timedelta(seconds=60)
MAX_ERROR = 2000


def event_types():
    return [
        f"{resources.event_prefix(name)}.{action}"
        for name in resources.names()
        for action in ChangeEntry.Action.values
    ]


def subscribed(events, event_type):
    """Whether `events` (["*"], ["stake.*"], ["investor.created"]) take `event_type`."""
    prefix = event_type.split(".")[0]
    return any(event in ("*", event_type, f"{prefix}.*") for event in events)


def passes(filters, data):
    """Whether record `data` has the values `filters` ask for (fields it lacks pass)."""
    for field, wanted in (filters or {}).items():
        if data is None or field not in data:
            continue
        wanted = wanted if isinstance(wanted, list) else [wanted]
        value = data[field]
        values = value if isinstance(value, list) else [value]
        if not set(map(str, values)) & set(map(str, wanted)):
            return False
    return True


# Subscribing


def endpoint_create(*, owner, url, events, filters=None, description=""):
    """A new endpoint, listening from now on; its secret is readable once, here."""
    destinations.check(url)
    return WebhookEndpoint.objects.create(
        owner=owner,
        url=url,
        events=events,
        filters=filters or {},
        description=description,
        secret=signing.new_secret(),
        dispatched_through=feed.latest_cursor(),
    )


def secret_rotate(*, endpoint):
    """A new secret; the old one keeps signing (beside it) for ROTATION_OVERLAP."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = signing.new_secret()
    endpoint.save()
    return endpoint


def endpoint_enable(*, endpoint):
    """Back in service after being disabled: its waiting deliveries go out again."""
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save()
    pending = endpoint.deliveries.filter(status=Status.PENDING)
    pending.update(next_attempt_at=None)
    for key in pending.values_list("record_key", flat=True).distinct():
        _schedule_delivery(endpoint.pk, key)


def delivery_replay(*, delivery):
    """Send a delivery again (same message id, so receivers can spot a repeat)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.PENDING, next_attempt_at=None, claimed_until=None
    )
    _schedule_delivery(delivery.endpoint_id, delivery.record_key)


def signing_secrets(endpoint, now=None):
    now = now or timezone.now()
    secrets_ = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at > now:
        secrets_.append(endpoint.previous_secret)
    return secrets_


# From the outbox to deliveries


def schedule_dispatch():
    """Ask the worker to turn new entries into deliveries (in the caller's transaction).

    Nothing when no endpoint listens, or when a run is already waiting.
    """
    from django_tasks_db.models import DBTaskResult

    from crm.integrations import tasks

    if not WebhookEndpoint.objects.filter(is_active=True).exists():
        return
    waiting = DBTaskResult.objects.ready().filter(
        task_path=tasks.dispatch_changes.module_path
    )
    if not waiting.exists():
        tasks.dispatch_changes.enqueue()


def dispatch():
    """New outbox entries to deliveries, endpoint by endpoint; True if more remain."""
    more = False
    for endpoint_id in WebhookEndpoint.objects.filter(is_active=True).values_list(
        "pk", flat=True
    ):
        more |= _dispatch_to(endpoint_id)
    return more


def _dispatch_to(endpoint_id):
    with transaction.atomic():
        # Locked: two workers never turn the same entries into deliveries twice.
        endpoint = (
            WebhookEndpoint.objects.select_for_update()
            .select_related("owner")
            .filter(pk=endpoint_id, is_active=True)
            .first()
        )
        if endpoint is None:
            return False
        entries = list(
            ChangeEntry.objects.filter(
                commit_seq__gt=endpoint.dispatched_through
            ).order_by("commit_seq")[: DISPATCH_BATCH + 1]
        )
        more = len(entries) > DISPATCH_BATCH
        entries = entries[:DISPATCH_BATCH]
        if not entries:
            return False
        request = _request_as(endpoint.owner)
        reader = feed.Reader(endpoint.owner)
        readable = {
            name for name in resources.names() if _may_read(endpoint.owner, name)
        }
        wanted = []
        for entry in entries:
            action = reader.action(entry) if entry.resource in readable else None
            event_type = f"{resources.event_prefix(entry.resource)}.{action}"
            if action and subscribed(endpoint.events, event_type):
                wanted.append((entry, action, event_type))
        shown = feed.representations(
            request,
            [
                entry
                for entry, action, _ in wanted
                if action != ChangeEntry.Action.DELETED
            ],
        )
        deliveries = []
        for entry, action, event_type in wanted:
            if action == ChangeEntry.Action.DELETED:
                data = {"id": entry.record_id}
            else:
                data = shown.get((entry.resource, entry.record_id))
                if data is None:
                    continue  # deleted or hidden since: a later entry says so
            if not passes(endpoint.filters, data):
                continue
            body = {
                "type": event_type,
                "timestamp": entry.occurred_at,
                "data": data,
            }
            deliveries.append(
                WebhookDelivery(
                    endpoint=endpoint,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    event_type=event_type,
                    record_key=f"{entry.resource}:{entry.record_id}",
                    change_cursor=entry.commit_seq,
                    body=json.dumps(body, cls=JSONEncoder, separators=(",", ":")),
                )
            )
        WebhookDelivery.objects.bulk_create(deliveries)
        endpoint.dispatched_through = entries[-1].commit_seq
        endpoint.save(update_fields=["dispatched_through"])
        for key in dict.fromkeys(delivery.record_key for delivery in deliveries):
            _schedule_delivery(endpoint.pk, key)
    return more


def _request_as(user):
    """A request of `user`, for the viewsets and serializers that compute representations."""
    http_request = HttpRequest()
    http_request.method = "GET"
    http_request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request = Request(http_request)
    request.user = user
    return request


def _may_read(user, name):
    opts = resources.model(name)._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


# Sending


def _schedule_delivery(endpoint_id, record_key, run_after=None):
    from crm.integrations import tasks

    task = tasks.deliver_record
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(endpoint_id, record_key)


def retry_delays():
    return [datetime.timedelta(seconds=s) for s in settings.WEBHOOKS_RETRY_DELAYS]


def deliver_record(endpoint_id, record_key):
    """Send one record's due deliveries to one endpoint, oldest first, until one fails."""
    while True:
        now = timezone.now()
        delivery = (
            WebhookDelivery.objects.filter(
                endpoint_id=endpoint_id, record_key=record_key, status=Status.PENDING
            )
            .select_related("endpoint")
            .order_by("id")
            .first()
        )
        if delivery is None or not delivery.endpoint.is_active:
            return
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return  # its retry is scheduled; later ones wait for it (order)
        claimed = WebhookDelivery.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            pk=delivery.pk,
            status=Status.PENDING,
        ).update(claimed_until=now + CLAIM)
        if not claimed:
            return  # another worker is sending it
        if not _attempt(delivery):
            return


def _attempt(delivery):
    """One try; True if the endpoint accepted it."""
    endpoint = delivery.endpoint
    started = time.monotonic()
    status_code, error = _send(endpoint, delivery)
    duration = int((time.monotonic() - started) * 1000)
    now = timezone.now()
    ok = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            status_code=status_code,
            duration_ms=duration,
            error=error[:MAX_ERROR],
        )
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_duration_ms = duration
        delivery.last_error = error[:MAX_ERROR]
        delivery.claimed_until = None
        delays = retry_delays()
        if ok:
            delivery.status = Status.SUCCEEDED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts <= len(delays):
            delivery.next_attempt_at = now + delays[delivery.attempts - 1]
            _schedule_delivery(
                endpoint.pk, delivery.record_key, run_after=delivery.next_attempt_at
            )
        else:
            delivery.status = Status.FAILED
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                is_active=False,
                disabled_at=now,
                disabled_reason=(
                    f"Disabled after {delivery.attempts} failed attempts to "
                    f"deliver {delivery.message_id}: "
                    f"{error or f'HTTP {status_code}'}"
                )[:300],
            )
        delivery.save()
    return ok


def _send(endpoint, delivery):
    """POST the delivery; (status code or None, error text)."""
    try:
        destinations.check(endpoint.url)
    except destinations.RefusedDestination as refused:
        return None, str(refused)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "investor-crm-webhooks/1",
        **signing.headers(
            signing_secrets(endpoint), delivery.message_id, timestamp, delivery.body
        ),
    }
    request = urllib.request.Request(
        endpoint.url, data=delivery.body.encode(), headers=headers, method="POST"
    )
    try:
        with _opener.open(
            request, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS
        ) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(error).__name__}: {reason}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead to an address the destination check refused.
    def redirect_request(self, *args, **kwargs):
        return None


# No proxies from the environment, no redirects.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)
