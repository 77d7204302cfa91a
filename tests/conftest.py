import copy
import datetime
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from crm.accounts.models import ApiToken
from crm.accounts.services import api_token_create
from crm.core.models import Sector
from tests.factories import (
    ExchangeRateFactory,
    InvestorFactory,
    SectorFactory,
    UserFactory,
)


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
def site_language():
    # LocaleMiddleware activates a request's language for the rest of the
    # thread: a test after one in Chinese would read Chinese messages.
    translation.deactivate()
    yield
    translation.deactivate()


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


@pytest.fixture
def deal_client(client, deal_team_user):
    """The admin, logged in as a Deal team member."""
    client.force_login(deal_team_user)
    return client


@pytest.fixture
def analyst_client(client, analyst_user):
    """The admin, logged in as an Analyst: may read, may not write."""
    client.force_login(analyst_user)
    return client


@pytest.fixture
def boss_client(client, superuser):
    """The admin, logged in as a superuser: the only one who may delete."""
    client.force_login(superuser)
    return client


# The worlds every app's tests share. Slugs are the sector's name in
# lower case with hyphens, as in the demo data ("artificial-intelligence").


class SectorTree(NamedTuple):
    ai: Sector
    vision: Sector
    fintech: Sector


@pytest.fixture
def sector_tree(db):
    """Artificial intelligence > Computer vision, and Fintech beside them."""
    ai = SectorFactory(name="Artificial intelligence", slug="artificial-intelligence")
    return SectorTree(
        ai=ai,
        vision=SectorFactory(name="Computer vision", slug="computer-vision", parent=ai),
        fintech=SectorFactory(name="Fintech", slug="fintech"),
    )


@pytest.fixture
def faces(sector_tree):
    """Face recognition, a third level: ai > vision > faces."""
    return SectorFactory(
        name="Face recognition", slug="face-recognition", parent=sector_tree.vision
    )


@pytest.fixture
def cny_rates(db):
    """CNY at 0.15 USD from 2018-01-01, at 0.16 USD from 2018-06-01."""
    return [
        ExchangeRateFactory(
            currency="CNY",
            usd_per_unit=Decimal("0.15"),
            valid_from=datetime.date(2018, 1, 1),
        ),
        ExchangeRateFactory(
            currency="CNY",
            usd_per_unit=Decimal("0.16"),
            valid_from=datetime.date(2018, 6, 1),
        ),
    ]


# The usual investors: name and country only; a test that asserts more of an
# investor says so where it makes one.


@pytest.fixture
def alibaba(db):
    return InvestorFactory(name="Alibaba Group", country="CN")


@pytest.fixture
def softbank(db):
    return InvestorFactory(name="SoftBank Vision Fund", country="JP")


@pytest.fixture
def fidelity(db):
    return InvestorFactory(name="Fidelity International", country="GB")


@pytest.fixture
def hopu(db):
    return InvestorFactory(name="HOPU Capital", country="HK")
