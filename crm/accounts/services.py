"""Creating API tokens: the one place a secret exists in clear."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.accounts.models import ApiToken

# 32 random bytes: 43 URL-safe characters, 256 bits of entropy.
SECRET_BYTES = 32
PREFIX_LENGTH = 8


def hash_secret(secret: str) -> str:
    """The SHA-256 of a token's secret, as stored and looked up."""
    # Plain SHA-256, no salt and no slow hash: unlike passwords, secrets are
    # 256 random bits, out of reach of any dictionary or brute force, so
    # stretching would only slow every API request down. Without a salt the
    # hash is also the lookup key, and comparing hashes in the database leaks
    # no timing about the secret.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user, name: str, read_only: bool = False, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with its secret, never stored."""
    if expires_in_days is not None and expires_in_days < 1:
        raise ValidationError({"expires_at": [_("Expire in one day or more.")]})
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        read_only=read_only,
        expires_at=(
            None
            if expires_in_days is None
            else timezone.now() + timedelta(days=expires_in_days)
        ),
    )
    token.full_clean()
    token.save()
    return token, secret
