"""Login lockout (django-axes) for every login made through a request."""

from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out account's logins, even with the right password.

    Axes refuses `authenticate()` calls without a request; those come from
    code (a shell, a management command, the test client's `login()`), never
    from a visitor, so they are let through to the next backend. Every login
    form and API passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
