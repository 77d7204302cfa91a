"""The outbox: one row per create, update and delete of an API record."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChangeEntry(models.Model):
    """A record of one API resource was created, updated or deleted.

    Written in the transaction of the change (crm.integrations.outbox), so a
    rolled-back write leaves no entry and a committed one always has one.
    `commit_seq` is the commit order, the feed's cursor: NULL until the
    transaction commits (see migration 0002 for how it is assigned, and why
    not from `id`).
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        DELETED = "deleted", "Deleted"

    commit_seq = models.BigIntegerField(
        null=True, blank=True, unique=True, editable=False
    )
    resource = models.CharField(max_length=32, help_text="e.g. investors, stakes")
    record_id = models.BigIntegerField()
    action = models.CharField(max_length=7, choices=Action.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    # The confidential round hiding the record after the change, and before
    # it (round ids, not foreign keys: rounds get deleted, entries stay).
    # NULL: open to every reader. Readers' visibility is compared at each
    # entry (crm.integrations.feed).
    wall = models.BigIntegerField(null=True, blank=True)
    wall_before = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["commit_seq"]
        verbose_name = "change"
        verbose_name_plural = "changes"
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

    purged_through = models.BigIntegerField(default=0)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "changes feed horizon"

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
        help_text="Deliveries show what this user may see.",
    )
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(
        default=list,
        help_text='Event types, e.g. ["investor.created", "stake.*"], or ["*"].',
    )
    filters = models.JSONField(
        default=dict,
        blank=True,
        help_text='Field values a record must have, e.g. {"country": ["CN", "HK"]}.',
    )
    # Standard Webhooks secrets ("whsec_" + base64): needed to sign, so kept.
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # The outbox cursor up to which changes became deliveries.
    dispatched_through = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One message to one endpoint, retried until it is accepted or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=64)
    # "investors:12": deliveries of one record go out in order.
    record_key = models.CharField(max_length=64)
    change_cursor = models.BigIntegerField()
    # The body exactly as signed and sent, the same on every attempt.
    body = models.TextField()
    status = models.CharField(
        max_length=9, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
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
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.status_code or self.error[:40]} in {self.duration_ms} ms"


class IdempotencyKey(models.Model):
    """A POST or PATCH sent with an Idempotency-Key, and the response it got.

    Per caller (`scope`: one API token, or one logged-in user). While the
    request runs `status_code` is empty; a retry then gets a 409.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="Method, path and body.")
    status_code = models.PositiveIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"], name="idempotency_key_once_per_scope"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self):
        return self.key
