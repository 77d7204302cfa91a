"""Each user's time zone: which one it is, and the middleware that activates it.

The zone is kept in the session (at login, and when the user changes it), so
activating it costs no query on any request.
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "crm_time_zone"


@cache
def known_time_zones():
    """The IANA zones the server knows (Asia/Shanghai, Europe/London, ...)."""
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices():
    """Choices for a form: the site's zone first (as the empty choice), then every zone."""
    site_default = _("The site's zone (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", site_default), *((zone, zone) for zone in sorted(known_time_zones()))]


def validate_time_zone(value):
    if value and value not in known_time_zones():
        raise ValidationError(
            _("%(value)s is not a time zone; use e.g. Asia/Shanghai."),
            code="invalid",
            params={"value": value},
        )


def time_zone_of(user):
    """The zone `user` sees times in: their own, or the site's (one query)."""
    # Imported here: the model's field validates with this module.
    from crm.accounts.models import UserSettings

    chosen = (
        UserSettings.objects.filter(user=user)
        .values_list("time_zone", flat=True)
        .first()
    )
    return chosen or settings.TIME_ZONE


def remember_time_zone(request, zone):
    """Use `zone` for the rest of this session (and this request)."""
    request.session[SESSION_KEY] = zone
    timezone.activate(zoneinfo.ZoneInfo(zone))


def remember_time_zone_at_login(sender, request, user, **kwargs):
    """user_logged_in: read the user's zone once, for the whole session."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = time_zone_of(user)


class UserTimeZoneMiddleware:
    """Activates the session's zone for the admin; the API keeps the site's zone.

    API clients parse ISO-8601 times with their offsets, and one integration's
    output should not depend on whose session made the call.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        if not request.path.startswith("/api/"):
            try:
                zone = request.session.get(SESSION_KEY)
            except DatabaseError:
                # No database: the view meets the outage too, and its 503
                # (crm.core.middleware) is made for views, not middleware.
                zone = None
        if zone in known_time_zones():
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
