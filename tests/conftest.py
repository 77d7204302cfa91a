import copy

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from crm.accounts.models import ApiToken
from crm.accounts.services import api_token_create
from tests.factories import UserFactory


def pytest_configure(config):
    # A second database alias, "replica", for tests/core/test_db_routing.py:
    # as config/settings.py sets one up for DATABASE_REPLICA_URL, a test mirror
    # of default, so a second connection to the same test database. The rest
    # of the suite runs on one database, whatever DATABASE_REPLICA_URL says:
    # only the routing tests install the router.
    replica = copy.deepcopy(settings.DATABASES["default"])
    replica["TEST"]["MIRROR"] = "default"
    settings.DATABASES["replica"] = replica
    settings.DATABASE_ROUTERS = []


@pytest.fixture(autouse=True)
def empty_cache():
    # Rate-limit counters live in the cache, keyed by token id, and SQLite
    # hands the same ids out again in every test.
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers spend ~0.4 s per user by design; tests need no such cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    return UserFactory(username="dealmaker")


@pytest.fixture
def deal_team_user(db):
    return UserFactory(username="deal", groups=["Deal team"], is_staff=True)


@pytest.fixture
def analyst_user(db):
    return UserFactory(username="analyst", groups=["Analyst"], is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


def _client_with_token(user):
    client = APIClient()
    token, secret = api_token_create(user=user, name="tests")
    # As if just used: a token's first request also records its first use (an
    # UPDATE, then at most one a minute), which would add a query to the first
    # request of every query-count test. tests/accounts pins that write.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.created_at)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api(deal_team_user):
    """An API client authenticated with a Deal team member's bearer token."""
    return _client_with_token(deal_team_user)


@pytest.fixture
def analyst_api(analyst_user):
    """An API client with an Analyst's token: may read, may not write."""
    return _client_with_token(analyst_user)


@pytest.fixture
def admin_api(superuser):
    """An API client with a superuser's token: every permission."""
    return _client_with_token(superuser)


@pytest.fixture
def anonymous_api():
    return APIClient()
