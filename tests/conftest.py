import pytest

from tests.factories import UserFactory


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
