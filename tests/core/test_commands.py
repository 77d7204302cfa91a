from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


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
