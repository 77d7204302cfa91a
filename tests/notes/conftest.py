"""Set-ups the notes tests share: who is in the log, and about what."""

import pytest

from tests.factories import (
    CompanyFactory,
    ContactFactory,
    FundingRoundFactory,
    UserFactory,
)


@pytest.fixture
def colleague(db):
    """Another Deal team member, to tell whose entries are whose."""
    return UserFactory(username="colleague", is_staff=True, groups=["Deal team"])


@pytest.fixture
def joe(alibaba):
    return ContactFactory(investor=alibaba, first_name="Joe", last_name="Tsai")


@pytest.fixture
def world(deal_team_user, colleague, alibaba, softbank, joe):
    """Two investors with their people, two companies with a round each."""
    sensetime = CompanyFactory(name="SenseTime")
    megvii = CompanyFactory(name="Megvii")
    return {
        "alibaba": alibaba,
        "softbank": softbank,
        "tsai": joe,
        "wu": ContactFactory(investor=alibaba, first_name="Wei", last_name="Wu"),
        "son": ContactFactory(investor=softbank, first_name="Masa", last_name="Son"),
        "sensetime": sensetime,
        "megvii": megvii,
        "series_c": FundingRoundFactory(company=sensetime, name="Series C"),
        "megvii_d": FundingRoundFactory(company=megvii, name="Series D"),
        "me": deal_team_user,
        "colleague": colleague,
    }
