"""`Authorization: Bearer <secret>` for integrations."""

from rest_framework import authentication, exceptions

from crm.accounts.addresses import refused_tokens
from crm.accounts.models import ApiToken
from crm.accounts.services import hash_secret

# One answer for every refused token, so a guesser learns nothing about which
# secrets exist (revoked or expired) or whose user is inactive.
REFUSED = "Invalid or expired token."


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Finds the token by the hash of its secret; `request.auth` is the ApiToken.

    Unknown, malformed, revoked and expired tokens, and tokens of inactive
    users, are refused alike (401). A client address that has presented
    API_INVALID_TOKEN_LIMIT refused tokens in a minute gets 429 before any
    lookup.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        refused = refused_tokens()
        if refused.exceeded(request):
            raise exceptions.Throttled(
                wait=refused.seconds,
                # DRF adds "Expected available in 60 seconds."
                detail="Too many invalid tokens from this address.",
            )
        token = self.usable_token(parts)
        if token is None:
            refused.record(request)
            raise exceptions.AuthenticationFailed(REFUSED)
        token.record_use()
        return token.user, token

    def usable_token(self, parts):
        """The usable token of `Bearer <secret>`'s parts, or None."""
        if len(parts) != 2:
            return None
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            return None
        try:
            token = ApiToken.objects.select_related("user").get(
                key_hash=hash_secret(secret)
            )
        except ApiToken.DoesNotExist:
            return None
        if token.revoked_at is not None or token.is_expired():
            return None
        if not token.user.is_active:
            return None
        return token

    def authenticate_header(self, request):
        # Makes a request without credentials a 401 (not a 403).
        return self.keyword
