import datetime

import pytest
from django.utils import timezone

from crm.accounts.models import ApiToken
from crm.accounts.services import api_token_create
from tests.admin_pages import add_url, change_url, changelist_url, listed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = changelist_url(ApiToken)


@pytest.fixture
def tokens(deal_team_user, analyst_user):
    sync, _ = api_token_create(user=deal_team_user, name="Salesforce sync")
    reporting, _ = api_token_create(
        user=analyst_user, name="Reporting", read_only=True, expires_in_days=30
    )
    return sync, reporting


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_the_list_shows_each_tokens_owner_name_prefix_and_dates(admin_client, tokens):
    sync, reporting = tokens

    response = admin_client.get(URL)

    assert listed(response) == [reporting, sync]
    assert response.context["cl"].list_display == [
        "action_checkbox",
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "read_only",
        "last_used_at",
        "revoked_at",
    ]
    page = response.content.decode()
    assert sync.prefix in page
    assert sync.key_hash not in page


def test_the_list_takes_the_same_queries_whatever_its_length(
    admin_client, tokens, django_assert_num_queries
):
    # 1. the session, 2. its user, 3. COUNT(*) for the paginator, 4. COUNT(*)
    # of all tokens, 5. the page with each token's user (joined).
    with django_assert_num_queries(5):
        response = admin_client.get(URL)
    assert len(listed(response)) == 2


def test_the_status_filter_tells_usable_expired_and_revoked_tokens(
    admin_client, tokens, deal_team_user
):
    sync, reporting = tokens
    ApiToken.objects.filter(pk=reporting.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    revoked, _ = api_token_create(user=deal_team_user, name="Old laptop")
    ApiToken.objects.filter(pk=revoked.pk).revoke()

    assert listed(admin_client.get(URL, {"status": "usable"})) == [sync]
    assert listed(admin_client.get(URL, {"status": "expired"})) == [reporting]
    assert listed(admin_client.get(URL, {"status": "revoked"})) == [revoked]


def test_revoke_selected_tokens_stops_them_working(admin_client, tokens):
    sync, reporting = tokens

    response = admin_client.post(
        URL, {"action": "revoke", "_selected_action": [sync.pk]}, follow=True
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Revoked 1 token(s); they no longer work."
    ]
    sync.refresh_from_db()
    reporting.refresh_from_db()
    assert sync.revoked_at is not None
    assert reporting.revoked_at is None


def test_no_one_adds_or_edits_a_token_in_the_admin(admin_client, tokens):
    sync, _ = tokens

    assert admin_client.get(add_url(ApiToken)).status_code == 403
    page = admin_client.get(change_url(sync))
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    assert 'name="_save"' not in page.content.decode()
    response = admin_client.post(change_url(sync), {"name": "renamed"})
    assert response.status_code == 403
    sync.refresh_from_db()
    assert sync.name == "Salesforce sync"


def test_a_user_sees_only_their_own_tokens(client, tokens, deal_team_user):
    sync, _ = tokens
    client.force_login(deal_team_user)

    assert listed(client.get(URL)) == [sync]


def test_a_user_in_no_group_sees_their_own_tokens_without_a_secret(client):
    newcomer = UserFactory(username="newcomer", is_staff=True)
    token, secret = api_token_create(user=newcomer, name="Laptop")
    client.force_login(newcomer)

    response = client.get(URL)

    assert listed(response) == [token]
    page = response.content.decode() + client.get(change_url(token)).content.decode()
    assert token.prefix in page
    assert secret not in page
    assert token.key_hash not in page


def test_a_user_revokes_their_own_token(client, tokens, deal_team_user):
    sync, _ = tokens
    client.force_login(deal_team_user)

    response = client.post(
        URL, {"action": "revoke", "_selected_action": [sync.pk]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Revoked 1 token(s); they no longer work."
    ]
    sync.refresh_from_db()
    assert sync.revoked_at is not None


def test_a_user_can_neither_open_nor_revoke_someone_elses_token(
    client, tokens, deal_team_user
):
    _, reporting = tokens
    client.force_login(deal_team_user)

    assert client.get(change_url(reporting)).status_code == 302  # "doesn't exist"
    client.post(URL, {"action": "revoke", "_selected_action": [reporting.pk]})

    reporting.refresh_from_db()
    assert reporting.revoked_at is None
