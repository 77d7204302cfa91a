"""Set-ups the core tests share: the people on either side of an ethical wall."""

import datetime
from decimal import Decimal

import pytest

from crm.core.models import Team
from crm.portfolio.models import FundingRound
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)


@pytest.fixture
def member(db):
    """A Deal team member inside the wall: on Project Sun."""
    return UserFactory(username="member", groups=["Deal team"], is_staff=True)


@pytest.fixture
def outsider(db):
    """A Deal team member outside the wall."""
    return UserFactory(username="outsider", groups=["Deal team"], is_staff=True)


@pytest.fixture
def project_sun(member):
    """The team behind the wall, with `member` on it."""
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    return team


@pytest.fixture
def walled(project_sun):
    """SenseTime's public Series C and its confidential Series D, open to
    Project Sun only, with SoftBank's $950M stake in the Series D.
    """
    sensetime = CompanyFactory(name="SenseTime")
    public = FundingRoundFactory(company=sensetime, name="Series C")
    secret = FundingRoundFactory(
        company=sensetime,
        name="Series D",
        status=FundingRound.Status.OPEN,
        confidential=True,
        announced_on=datetime.date(2018, 7, 1),
    )
    secret.teams.set([project_sun])
    stake = StakeFactory(
        investor=InvestorFactory(name="SoftBank Vision Fund"),
        company=sensetime,
        round=secret,
        amount=Decimal(950_000_000),
    )
    return {"company": sensetime, "public": public, "secret": secret, "stake": stake}
