"""API tokens: stored as hashes, named, expiring, read-only or not, revocable."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.accounts.time_zones import validate_time_zone
from crm.core.dates import validate_date_in_range
from crm.core.models import TimeStampedModel

# Recording every request's time would turn each read into a write; a
# minute is precise enough to tell a live integration from a dead one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, at=None):
        """Tokens neither revoked nor expired at `at` (now by default)."""
        at = at or timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at), revoked_at__isnull=True
        )

    def revoke(self) -> int:
        """Revoke the tokens not revoked yet; returns how many."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).update(
            revoked_at=now, updated_at=now
        )


class ApiToken(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        max_length=100,
        help_text=_("What the token is for, e.g. the integration."),
        verbose_name=_("name"),
    )
    # The start of the secret, to recognise a token in lists; too
    # short to help guess the rest.
    prefix = models.CharField(max_length=8, editable=False, verbose_name=_("prefix"))
    # Only the hash is kept: the secret is shown once, when it is created.
    key_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("key hash")
    )
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Empty: never expires."),
        validators=[validate_date_in_range],
        verbose_name=_("expires at"),
    )
    read_only = models.BooleanField(
        default=False,
        help_text=_("Reads only: every write is refused (403)."),
        verbose_name=_("read only"),
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("revoked at")
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last used at")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.prefix}…) of {self.user}"

    def is_expired(self, at=None):
        return self.expires_at is not None and self.expires_at <= (at or timezone.now())

    def record_use(self, at=None):
        """Stamp `last_used_at`, at most once per LAST_USED_RESOLUTION."""
        at = at or timezone.now()
        if self.last_used_at and at - self.last_used_at < LAST_USED_RESOLUTION:
            return
        self.last_used_at = at
        # An UPDATE of one column: no full save racing with a concurrent revoke.
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=at)


class UserSettings(TimeStampedModel):
    """What a user chooses for themselves: the time zone the admin shows and takes times in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="crm_settings",
        verbose_name=_("user"),
    )
    # Empty: the site's zone (DJANGO_TIME_ZONE). Checked against the zones
    # the server knows; the choices are the form's, not the column's.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Times are shown and entered in it. Empty: the site's zone."),
    )

    class Meta:
        ordering = ["user_id"]
        verbose_name = _("user settings")
        verbose_name_plural = _("user settings")

    def __str__(self):
        return gettext("Settings of %(user)s") % {"user": self.user}
