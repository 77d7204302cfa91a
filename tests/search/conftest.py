import datetime

import pytest

from crm.core.models import Team
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InvestorFactory,
    UserFactory,
)


@pytest.fixture
def member(db):
    """A deal team member inside the wall of SenseTime's Series D."""
    return UserFactory(username="member", groups=["Deal team"], is_staff=True)


@pytest.fixture
def world(member):
    """The demo's search targets, and a confidential round with a note about it."""
    softbank = InvestorFactory(
        name="SoftBank Vision Fund",
        kind="venture_capital",
        country="GB",
        city="London",
        website="https://visionfund.com/",
    )
    alibaba = InvestorFactory(
        name="Alibaba Group",
        kind="strategic",
        country="CN",
        city="Hangzhou",
        website="https://www.alibabagroup.com/",
    )
    oliver = ContactFactory(
        investor=softbank,
        first_name="Oliver",
        last_name="Grant",
        title="Investment Director",
        email="oliver.grant@visionfund.example.com",
    )
    megvii = CompanyFactory(name="Megvii", aliases=["Face++"], city="Beijing")
    sensetime = CompanyFactory(name="SenseTime", aliases=["商汤科技"], city="Beijing")
    series_c = FundingRoundFactory(
        company=sensetime,
        name="Series C",
        stage="series_c",
        status="closed",
        announced_on=datetime.date(2018, 4, 9),
    )
    series_d = FundingRoundFactory(
        company=sensetime,
        name="Series D",
        stage="series_d_plus",
        status="open",
        announced_on=datetime.date(2018, 7, 1),
        confidential=True,
    )
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    series_d.teams.set([team])
    comparable = DealNoteFactory(
        title="Megvii (Face++) as the comparable",
        body="SenseTime's closest peer in computer vision.",
        investor=None,
        company=megvii,
    )
    secret_note = DealNoteFactory(
        title="Vision Fund: almost $1B ticket in the Series D",
        body="Project Sun: SoftBank would anchor the round.",
        investor=softbank,
        company=sensetime,
        round=series_d,
    )
    return {
        "softbank": softbank,
        "alibaba": alibaba,
        "oliver": oliver,
        "megvii": megvii,
        "sensetime": sensetime,
        "series_c": series_c,
        "series_d": series_d,
        "comparable": comparable,
        "secret_note": secret_note,
    }
