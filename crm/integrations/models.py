"""The outbox: one row per create, update and delete of an API record."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeEntry(models.Model):
    """A record of one API resource was created, updated or deleted.

    Written in the transaction of the change (crm.integrations.outbox), so a
    rolled-back write leaves no entry and a committed one always has one.
    `commit_seq` is the commit order, the feed's cursor: NULL until the
    transaction commits (see migration 0002 for how it is assigned, and why
    not from `id`).
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        DELETED = "deleted", _("Deleted")

    commit_seq = models.BigIntegerField(
        null=True, blank=True, unique=True, editable=False, verbose_name=_("commit seq")
    )
    resource = models.CharField(
        max_length=32, help_text=_("e.g. investors, stakes"), verbose_name=_("resource")
    )
    record_id = models.BigIntegerField(verbose_name=_("record id"))
    action = models.CharField(
        max_length=7, choices=Action.choices, verbose_name=_("action")
    )
    occurred_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("occurred at")
    )
    # The confidential round hiding the record after the change, and before
    # it (round ids, not foreign keys: rounds get deleted, entries stay).
    # NULL: open to every reader. Readers' visibility is compared at each
    # entry (crm.integrations.feed).
    wall = models.BigIntegerField(null=True, blank=True, verbose_name=_("wall"))
    wall_before = models.BigIntegerField(
        null=True, blank=True, verbose_name=_("wall before")
    )

    class Meta:
        ordering = ["commit_seq"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            # The previous entry of a record (its wall before a change).
            models.Index(
                fields=["resource", "record_id", "-id"], name="change_record_idx"
            ),
            # Purging by age.
            models.Index(fields=["occurred_at"], name="change_occurred_at_idx"),
        ]

    def __str__(self):
        return f"{self.resource} {self.record_id} {self.action}"


class ChangeFeedHorizon(models.Model):
    """The highest cursor purged: a client behind it has missed entries (410)."""

    purged_through = models.BigIntegerField(default=0, verbose_name=_("purged through"))
    purged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("purged at"))

    class Meta:
        verbose_name_plural = _("changes feed horizons")
        verbose_name = _("changes feed horizon")

    def __str__(self):
        return f"purged through {self.purged_through}"

    @classmethod
    def current(cls):
        purged = cls.objects.filter(pk=1).values_list("purged_through", flat=True)
        return purged.first() or 0


class WebhookEndpoint(models.Model):
    """A URL that receives the changes its owner may see, signed (Standard Webhooks)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        help_text=_("Deliveries show what this user may see."),
        verbose_name=_("owner"),
    )
    url = models.URLField(max_length=2000, verbose_name=_("url"))
    description = models.CharField(
        max_length=200, blank=True, verbose_name=_("description")
    )
    events = models.JSONField(
        default=list,
        help_text=_('Event types, e.g. ["investor.created", "stake.*"], or ["*"].'),
        verbose_name=_("events"),
    )
    filters = models.JSONField(
        default=dict,
        blank=True,
        help_text=_('Field values a record must have, e.g. {"country": ["CN", "HK"]}.'),
        verbose_name=_("filters"),
    )
    # Standard Webhooks secrets ("whsec_" + base64): needed to sign, so kept.
    secret = models.CharField(max_length=100, editable=False, verbose_name=_("secret"))
    previous_secret = models.CharField(
        max_length=100, blank=True, editable=False, verbose_name=_("previous secret")
    )
    previous_secret_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("previous secret expires at"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    disabled_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("disabled at")
    )
    disabled_reason = models.CharField(
        max_length=300, blank=True, verbose_name=_("disabled reason")
    )
    # The outbox cursor up to which changes became deliveries.
    dispatched_through = models.BigIntegerField(
        default=0, editable=False, verbose_name=_("dispatched through")
    )
    created_at = models.DateTimeField(
        auto_now_add=True, editable=False, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(
        auto_now=True, editable=False, verbose_name=_("updated at")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook endpoint")

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One message to one endpoint, retried until it is accepted or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    message_id = models.CharField(
        max_length=64, unique=True, verbose_name=_("message id")
    )
    event_type = models.CharField(max_length=64, verbose_name=_("event type"))
    # "investors:12": deliveries of one record go out in order.
    record_key = models.CharField(max_length=64, verbose_name=_("record key"))
    change_cursor = models.BigIntegerField(verbose_name=_("change cursor"))
    # The body exactly as signed and sent, the same on every attempt.
    body = models.TextField(verbose_name=_("body"))
    status = models.CharField(
        max_length=9,
        choices=Status.choices,
        default=Status.PENDING,
        verbose_name=_("status"),
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("next attempt at")
    )
    claimed_until = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("claimed until")
    )
    last_status_code = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("last status code")
    )
    last_duration_ms = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("last duration ms")
    )
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    delivered_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("delivered at")
    )
    created_at = models.DateTimeField(
        auto_now_add=True, editable=False, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(
        auto_now=True, editable=False, verbose_name=_("updated at")
    )

    class Meta:
        verbose_name = _("webhook delivery")
        ordering = ["-id"]
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["endpoint", "record_key", "status", "id"],
                name="webhook_delivery_queue_idx",
            ),
        ]

    def __str__(self):
        return f"{self.event_type} to {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: what the endpoint answered, and how fast."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    attempted_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("attempted at")
    )
    status_code = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("status code")
    )
    duration_ms = models.PositiveIntegerField(verbose_name=_("duration ms"))
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["id"]

    def __str__(self):
        return f"{self.status_code or self.error[:40]} in {self.duration_ms} ms"


class IdempotencyKey(models.Model):
    """A POST or PATCH sent with an Idempotency-Key, and the response it got.

    Per caller (`scope`: one API token, or one logged-in user). While the
    request runs `status_code` is empty; a retry then gets a 409.
    """

    scope = models.CharField(max_length=80, verbose_name=_("scope"))
    key = models.CharField(max_length=255, verbose_name=_("key"))
    fingerprint = models.CharField(
        max_length=64,
        help_text=_("Method, path and body."),
        verbose_name=_("fingerprint"),
    )
    status_code = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("status code")
    )
    headers = models.JSONField(default=dict, blank=True, verbose_name=_("headers"))
    body = models.BinaryField(blank=True, default=b"", verbose_name=_("body"))
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"], name="idempotency_key_once_per_scope"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self):
        return self.key
