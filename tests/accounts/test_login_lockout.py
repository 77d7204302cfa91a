import datetime
import logging
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def log_in(client, username, password):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}
    )


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail_five_times(client, username):
    responses = [log_in(client, username, "wrong") for _ in range(5)]
    # The fifth failure locks the account and gets the lockout page at once.
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]


def test_a_wrong_password_shows_the_login_form_again(client, superuser):
    response = log_in(client, "boss", "wrong")

    assert response.status_code == 200
    assert "Please enter the correct username and password" in (
        response.content.decode()
    )


def test_five_failures_lock_the_account_even_for_the_right_password(client, superuser):
    fail_five_times(client, "boss")

    response = log_in(client, "boss", "pw")

    assert response.status_code == 429
    assert "Too many failed logins for this account" in response.content.decode()
    assert "locked for\n    15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock_the_account(client, superuser):
    for _ in range(4):
        log_in(client, "boss", "wrong")

    assert logged_in(log_in(client, "boss", "pw"))


def test_the_lockout_is_per_account(client, superuser, deal_team_user):
    fail_five_times(client, "boss")

    # Same address, another account.
    assert logged_in(log_in(client, "deal", "pw"))


def test_the_account_opens_again_after_the_cool_off(client, superuser, settings):
    fail_five_times(client, "boss")
    assert log_in(client, "boss", "pw").status_code == 429

    # As if the cool-off had passed since the last failure.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME
    )

    assert logged_in(log_in(client, "boss", "pw"))


def test_tries_during_the_lockout_do_not_extend_it(client, superuser, settings):
    fail_five_times(client, "boss")
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time")
        - settings.AXES_COOLOFF_TIME
        + datetime.timedelta(seconds=30)
    )
    # Thirty seconds left: still locked, and this try does not restart the clock.
    assert log_in(client, "boss", "wrong").status_code == 429

    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(seconds=30)
    )

    assert logged_in(log_in(client, "boss", "pw"))


def test_the_cool_off_follows_the_setting(client, superuser, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    fail_five_times(client, "boss")
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=1)
    )

    assert logged_in(log_in(client, "boss", "pw"))


def test_an_administrator_can_unlock_an_account(client, superuser):
    fail_five_times(client, "boss")

    call_command("axes_reset_username", "boss", stdout=StringIO())

    assert logged_in(log_in(client, "boss", "pw"))


def test_failures_and_lockouts_are_logged(client, superuser, caplog):
    with caplog.at_level(logging.INFO):
        fail_five_times(client, "boss")

    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("axes") and record.levelno == logging.WARNING
    ]
    assert len(warnings) == 6
    assert warnings[0].startswith('AXES: New login failure by {username: "boss"')
    assert all("wrong" not in message for message in warnings)
    assert warnings[-1].startswith(
        'AXES: Locking out {username: "boss", ip_address: "127.0.0.1"'
    )


def test_a_success_clears_the_earlier_failures(client, superuser):
    for _ in range(4):
        log_in(client, "boss", "wrong")
    assert logged_in(log_in(client, "boss", "pw"))
    client.logout()

    for _ in range(4):
        assert log_in(client, "boss", "wrong").status_code == 200
    assert logged_in(log_in(client, "boss", "pw"))


def test_logins_made_by_code_without_a_request_still_work(superuser):
    # The test client's login(), a shell, a management command.
    assert authenticate(username="boss", password="pw") == superuser
    assert authenticate(username="boss", password="wrong") is None
