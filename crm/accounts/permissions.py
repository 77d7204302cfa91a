"""What a read-only API token may do: read."""

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
