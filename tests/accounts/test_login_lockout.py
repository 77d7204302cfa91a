import datetime
import logging
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db.models import F
from django.test import Client

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
    assert "locked for 15 minutes" in response.content.decode()
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


# Per client address


@pytest.fixture
def three_from_one_address(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3


def test_an_address_with_too_many_failed_logins_is_refused_for_every_account(
    client, superuser, deal_team_user, three_from_one_address
):
    for username in ["boss", "deal", "nobody"]:
        assert log_in(client, username, "wrong").status_code == 200

    response = log_in(client, "deal", "pw")

    assert response.status_code == 429
    assert "Too many failed logins from your address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_same_account_logs_in_from_another_address(
    client, superuser, three_from_one_address
):
    for _ in range(3):
        log_in(client, "boss", "wrong")

    response = client.post(
        LOGIN,
        {"username": "boss", "password": "pw", "next": "/admin/"},
        REMOTE_ADDR="10.0.0.2",
    )

    assert logged_in(response)


def test_a_guesser_held_back_by_address_cannot_keep_an_account_locked(
    client, superuser, three_from_one_address
):
    # Three tries, then every further one is refused unchecked: it no longer
    # counts against the account, which never reaches its limit of five.
    for _ in range(10):
        log_in(client, "boss", "wrong")

    assert AccessAttempt.objects.get(username="boss").failures_since_start == 3
    response = client.post(
        LOGIN,
        {"username": "boss", "password": "pw", "next": "/admin/"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert logged_in(response)


def test_the_client_address_behind_the_proxy_is_the_one_it_forwards(
    client, superuser, three_from_one_address, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        log_in(client, "boss", "wrong")

    # Every visitor comes from the proxy's address; this one from another client.
    response = client.post(
        LOGIN,
        {"username": "boss", "password": "pw", "next": "/admin/"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )

    assert logged_in(response)


# Unlocking from the admin


def test_a_superuser_unlocks_an_account_from_the_users_page(
    client, superuser, deal_team_user
):
    fail_five_times(client, "deal")
    admin = Client()
    admin.force_login(superuser)

    response = admin.post(
        "/admin/auth/user/",
        {"action": "unlock", "_selected_action": [deal_team_user.pk]},
        follow=True,
    )

    assert "Unlocked 1 account(s)" in response.content.decode()
    assert logged_in(log_in(client, "deal", "pw"))


def test_only_a_superuser_may_unlock_an_account(client, deal_team_user):
    deal_team_user.user_permissions.add(
        *Permission.objects.filter(codename__endswith="_user")
    )
    client.force_login(deal_team_user)

    response = client.get("/admin/auth/user/")

    assert response.status_code == 200
    assert "unlock" not in dict(
        response.context["action_form"].fields["action"].choices
    )
