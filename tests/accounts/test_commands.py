import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from crm.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def client_with(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_create_api_token_prints_a_working_token_as_its_last_line(deal_team_user):
    lines = run("create_api_token", "deal")

    secret = lines[-1]
    assert client_with(secret).get("/api/v1/sectors/").status_code == 200
    assert lines[0] == (
        "API token 'command line' for deal (read and write, never expires),"
        " shown only this once:"
    )


def test_only_the_hash_of_the_secret_is_stored(deal_team_user):
    secret = run("create_api_token", "deal")[-1]

    token = ApiToken.objects.get(user=deal_team_user)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert secret not in stored
    assert len(secret) >= 43


def test_the_options_name_restrict_and_expire_the_token(deal_team_user):
    lines = run(
        "create_api_token",
        "deal",
        "--name",
        "Salesforce sync",
        "--read-only",
        "--expires-in",
        "30",
    )

    token = ApiToken.objects.get(user=deal_team_user)
    assert token.name == "Salesforce sync"
    assert token.read_only
    expected = timezone.now() + datetime.timedelta(days=30)
    assert abs(token.expires_at - expected) < datetime.timedelta(minutes=1)
    assert lines[0].startswith(
        "API token 'Salesforce sync' for deal (read-only, expires "
    )


def test_a_second_token_leaves_the_first_one_working(deal_team_user):
    first = run("create_api_token", "deal", "--name", "first")[-1]
    second = run("create_api_token", "deal", "--name", "second")[-1]

    assert first != second
    assert client_with(first).get("/api/v1/sectors/").status_code == 200
    assert client_with(second).get("/api/v1/sectors/").status_code == 200


def test_create_api_token_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("create_api_token", "nobody")


def test_expires_in_must_be_a_day_or_more(deal_team_user):
    with pytest.raises(CommandError, match="1 or more"):
        run("create_api_token", "deal", "--expires-in", "0")

    assert not ApiToken.objects.exists()
