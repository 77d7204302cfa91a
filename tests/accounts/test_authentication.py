import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from crm.accounts.models import ApiToken
from crm.accounts.services import api_token_create
from tests.api_pages import detail_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/sectors/"


def client_with(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def token_and_secret(deal_team_user):
    return api_token_create(user=deal_team_user, name="sync")


def test_a_token_authenticates_its_user(token_and_secret, deal_team_user):
    token, secret = token_and_secret

    response = client_with(secret).get(URL)

    assert response.status_code == 200
    assert response.wsgi_request.user == deal_team_user
    assert response.renderer_context["request"].auth == token


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-token",
        "Bearer",
        "Bearer two tokens",
        "Bearer caf\u00e9",
    ],
)
def test_anything_but_one_known_token_is_a_401_saying_only_invalid_or_expired(
    token_and_secret, header
):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert detail_of(response) == "Invalid or expired token."


def test_a_revoked_token_is_refused_as_an_unknown_one_is(token_and_secret):
    token, secret = token_and_secret

    ApiToken.objects.filter(pk=token.pk).revoke()
    response = client_with(secret).get(URL)

    assert response.status_code == 401
    assert detail_of(response) == "Invalid or expired token."


def test_an_expired_token_is_refused_as_an_unknown_one_is(deal_team_user):
    token, secret = api_token_create(
        user=deal_team_user, name="sync", expires_in_days=1
    )
    assert client_with(secret).get(URL).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client_with(secret).get(URL)

    assert response.status_code == 401
    assert detail_of(response) == "Invalid or expired token."


def test_the_token_of_an_inactive_user_is_refused_as_an_unknown_one_is(
    token_and_secret, deal_team_user
):
    _, secret = token_and_secret
    deal_team_user.is_active = False
    deal_team_user.save()

    response = client_with(secret).get(URL)

    assert response.status_code == 401
    assert detail_of(response) == "Invalid or expired token."


def updates_of_last_used(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("UPDATE") and "last_used_at" in query["sql"]
    ]


def test_last_use_is_recorded_at_most_once_a_minute(token_and_secret):
    token, secret = token_and_secret
    client = client_with(secret)
    assert token.last_used_at is None

    assert len(updates_of_last_used(client)) == 1
    token.refresh_from_db()
    first_use = token.last_used_at
    assert timezone.now() - first_use < datetime.timedelta(seconds=5)

    # Within the minute: no write.
    assert updates_of_last_used(client) == []
    token.refresh_from_db()
    assert token.last_used_at == first_use

    # A minute later: written again.
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=first_use - datetime.timedelta(minutes=1)
    )
    assert len(updates_of_last_used(client)) == 1
    token.refresh_from_db()
    assert token.last_used_at >= first_use


def test_the_usable_tokens_are_neither_revoked_nor_expired(deal_team_user):
    usable, _ = api_token_create(user=deal_team_user, name="usable")
    expiring, _ = api_token_create(user=deal_team_user, name="later", expires_in_days=1)
    expired, _ = api_token_create(user=deal_team_user, name="gone", expires_in_days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked, _ = api_token_create(user=deal_team_user, name="revoked")
    ApiToken.objects.filter(pk=revoked.pk).revoke()

    assert set(ApiToken.objects.usable()) == {usable, expiring}


def test_revoking_twice_keeps_the_first_revocation_time(token_and_secret):
    token, _ = token_and_secret
    assert ApiToken.objects.filter(pk=token.pk).revoke() == 1
    token.refresh_from_db()
    revoked_at = token.revoked_at

    assert ApiToken.objects.filter(pk=token.pk).revoke() == 0
    token.refresh_from_db()
    assert token.revoked_at == revoked_at


def test_the_schema_describes_bearer_tokens(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from `manage.py create_api_token`.",
    }


# Refused tokens, throttled per client address


def test_an_address_presenting_too_many_invalid_tokens_gets_429(settings):
    settings.API_INVALID_TOKEN_LIMIT = 3
    guesser = client_with("guess")
    for _ in range(3):
        assert guesser.get(URL).status_code == 401

    response = guesser.get(URL)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert detail_of(response) == (
        "Too many invalid tokens from this address. Expected available in 60 seconds."
    )


def test_the_throttled_address_is_refused_even_a_good_token(settings, token_and_secret):
    settings.API_INVALID_TOKEN_LIMIT = 3
    _, secret = token_and_secret
    for _ in range(3):
        client_with("guess").get(URL)

    assert client_with(secret).get(URL).status_code == 429
    # Another address is not held back.
    assert client_with(secret).get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_good_tokens_do_not_count_towards_the_address_limit(settings, token_and_secret):
    settings.API_INVALID_TOKEN_LIMIT = 3
    _, secret = token_and_secret

    for _ in range(5):
        assert client_with(secret).get(URL).status_code == 200
