from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def test_create_api_token_prints_a_working_token_as_its_last_line(deal_team_user):
    token = run("create_api_token", "deal")[-1]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/sectors/").status_code == 200
    assert Token.objects.get(user=deal_team_user).key == token


def test_a_new_token_replaces_the_old_one(deal_team_user):
    first = run("create_api_token", "deal")[-1]

    lines = run("create_api_token", "deal")

    assert lines[0] == "The earlier token of deal no longer works."
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert client.get("/api/v1/sectors/").status_code == 401


def test_create_api_token_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("create_api_token", "nobody")


def test_ensure_demo_login_creates_the_documented_superuser():
    assert run("ensure_demo_login") == ["Created the demo login: demo / demo"]

    user = authenticate(username="demo", password="demo")
    assert user is not None
    assert user.is_superuser
    assert user.is_staff


def test_ensure_demo_login_resets_the_password_when_run_again():
    run("ensure_demo_login")
    user = authenticate(username="demo", password="demo")
    user.set_password("changed")
    user.save()

    assert run("ensure_demo_login") == ["Reset the demo login: demo / demo"]
    assert authenticate(username="demo", password="demo") is not None


def test_ensure_demo_login_is_refused_in_production(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="No demo login in production"):
        run("ensure_demo_login")
