"""What a read-only API token may do (read), and who may read the API's description."""

from rest_framework import permissions

from crm.accounts.models import ApiToken


class ReadOnlyTokens(permissions.BasePermission):
    """A read-only token may only read, whatever its user's permissions."""

    message = "This API token is read-only."

    def has_permission(self, request, view):
        token = request.auth
        return (
            request.method in permissions.SAFE_METHODS
            or not isinstance(token, ApiToken)
            or not token.read_only
        )


class InAGroup(permissions.BasePermission):
    """A user in no group (a login with no rights yet) may not read the API's schema."""

    message = (
        "Reading the API's description needs a role: ask an administrator to "
        "add you to a group (e.g. Deal team or Analyst)."
    )

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_superuser or user.groups.exists())
        )
