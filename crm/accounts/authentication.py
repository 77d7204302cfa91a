"""`Authorization: Bearer <secret>` for integrations."""

from rest_framework import authentication, exceptions

from crm.accounts.models import ApiToken
from crm.accounts.services import hash_secret


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Finds the token by the hash of its secret; `request.auth` is the ApiToken.

    Revoked and expired tokens, and tokens of inactive users, are refused (401).
    """

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send one token: `Authorization: Bearer <token>`."
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        try:
            token = ApiToken.objects.select_related("user").get(
                key_hash=hash_secret(secret)
            )
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.is_expired():
            raise exceptions.AuthenticationFailed("This token has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token's user is inactive.")
        token.record_use()
        return token.user, token

    def authenticate_header(self, request):
        # Makes a request without credentials a 401 (not a 403).
        return self.keyword
