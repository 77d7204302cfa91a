"""Production settings, checked in a fresh process as a server would start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "crm.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://crm.example.com",
}


def manage(*args, **variables):
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "API_", "CACHE_URL"))
    }
    environment.update(variables)
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_deploy_check_finds_nothing_with_the_documented_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("System check identified no issues")
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize("secret_key", ["", None])
def test_production_refuses_to_start_without_a_secret_key(secret_key):
    variables = {**PRODUCTION}
    if secret_key is None:
        del variables["DJANGO_SECRET_KEY"]
    else:
        variables["DJANGO_SECRET_KEY"] = secret_key

    result = manage("check", **variables)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_ENV=production." in (
        result.stderr
    )


def test_an_unreadable_rate_limit_stops_the_start():
    result = manage("check", API_RATE_LIMIT="lots")

    assert result.returncode != 0
    assert "API_RATE_LIMIT='lots': use e.g. 6000/minute" in result.stderr
