"""Login lockout (django-axes) and the per-address throttle, for every login made through a request."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied

from crm.accounts.addresses import failed_logins


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out account's logins, even with the right password,
    and every login from an address with too many failed logins.

    Axes refuses `authenticate()` calls without a request; those come from
    code (a shell, a management command, the test client's `login()`), never
    from a visitor, so they are let through to the next backend. Every login
    form and API passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if failed_logins().exceeded(request):
            # Marked as axes marks a locked-out try: axes then records no
            # failure against the account and answers with its lockout page.
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("Too many failed logins from here.")
        return super().authenticate(request, username, password, **kwargs)


def record_failed_login(sender, credentials, request=None, **kwargs):
    """Django's user_login_failed: count the failure against the client's address."""
    if request is not None:
        failed_logins().record(request)
