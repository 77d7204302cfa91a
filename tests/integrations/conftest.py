import pytest
from django.db import connection
from rest_framework.test import APIClient

from crm.accounts.services import api_token_create
from crm.core.models import Team
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def changes_numbered_at_once(request):
    """Outbox entries get their cursor as they are written, not at commit.

    A test's transaction never commits; PostgreSQL numbers entries at commit
    (migration integrations 0002), so inside it the trigger is made to run
    at once. Tests that commit (transactional_db) keep the real behaviour.
    """
    if "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    ):
        yield
        return
    request.getfixturevalue("db")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SET CONSTRAINTS integrations_changeentry_commit_order IMMEDIATE"
            )
    yield


def client_for(user):
    client = APIClient()
    _token, secret = api_token_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def member():
    return UserFactory(username="member", groups=["Deal team"], is_staff=True)


@pytest.fixture
def outsider():
    return UserFactory(username="outsider", groups=["Deal team"], is_staff=True)


@pytest.fixture
def team(member):
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    return team
