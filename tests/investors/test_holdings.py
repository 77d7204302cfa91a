"""What a stake size and "invests in a sector" mean, the same in the admin and the API.

Held stakes (committed, closed) are what an investor owns; the pipeline
(prospect, in talks) is shown apart; `stake_min`, `stake_max` and
`portfolio_sector` describe one stake, which meets them all.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from crm.core.models import Sector, Team
from crm.investors.models import Investor
from crm.portfolio.models import Stake
from tests.admin_pages import changelist_url, listed
from tests.api_pages import field_errors
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db

FLAGSHIP = {
    "country": "CN",
    "portfolio_sector": "computer-vision",
    "stake_min": "100000000",
}


@pytest.fixture
def deal_client(client, deal_team_user):
    client.force_login(deal_team_user)
    return client


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def api_names(api, params):
    response = api.get("/api/v1/investors/", {**params, "page_size": 200})
    assert response.status_code == 200, response.json()
    return sorted(row["name"] for row in response.json()["results"])


def admin_names(client, params):
    return sorted(
        investor.name
        for investor in listed(client.get(changelist_url(Investor), params))
    )


@pytest.fixture
def sectors(db):
    ai = Sector.objects.create(name="Artificial intelligence", slug="ai")
    vision = Sector.objects.create(
        name="Computer vision", slug="computer-vision", parent=ai
    )
    fintech = Sector.objects.create(name="Fintech", slug="fintech")
    return {"ai": ai, "computer-vision": vision, "fintech": fintech}


def test_the_flagship_question_names_the_four_chinese_holders_in_the_api(demo, api):
    # SoftBank's $950M in SenseTime is only in talks: not held, not listed.
    assert api_names(api, FLAGSHIP) == [
        "Alibaba Group",
        "Ant Financial",
        "CDH Investments",
        "HOPU Capital",
    ]


def test_the_flagship_question_names_the_same_four_in_the_admin(demo, deal_client):
    assert admin_names(deal_client, FLAGSHIP) == [
        "Alibaba Group",
        "Ant Financial",
        "CDH Investments",
        "HOPU Capital",
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"stake_min": "1000000000"},
        {"stake_min": "100000000", "stake_max": "200000000"},
        {"portfolio_sector": "artificial-intelligence"},
        {"portfolio_sector": "computer-vision", "stake_max": "150000000"},
        {"country": "US", "stake_min": "1"},
        {"stake_max": "0"},
    ],
)
def test_the_admin_and_the_api_list_the_same_investors(demo, api, deal_client, params):
    assert admin_names(deal_client, params) == api_names(api, params)


def test_softbanks_stake_in_talks_is_pipeline_not_held(demo, api):
    softbank = next(
        row
        for row in api.get("/api/v1/investors/", {"search": "SoftBank"}).json()[
            "results"
        ]
    )
    assert softbank["total_stake_usd"] == "0.00"
    assert softbank["largest_stake_usd"] is None
    assert softbank["portfolio_count"] == 0
    assert softbank["pipeline_usd"] == "950000000.00"


def test_stake_min_looks_at_held_stakes_unless_stake_status_names_others(api):
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    StakeFactory(investor=softbank, amount=Decimal("1000000000"), status="declined")
    StakeFactory(investor=softbank, amount=Decimal("20000000"), status="closed")

    assert api_names(api, {"stake_min": "1000000000"}) == []
    assert api_names(api, {"stake_min": "1000000000", "stake_status": "declined"}) == [
        "SoftBank Vision Fund"
    ]
    assert api_names(api, {"stake_status": "declined"}) == ["SoftBank Vision Fund"]


def test_the_admins_stake_size_bucket_uses_the_largest_held_stake(deal_client):
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    StakeFactory(investor=softbank, amount=Decimal("1000000000"), status="declined")
    StakeFactory(investor=softbank, amount=Decimal("20000000"), status="committed")

    assert admin_names(deal_client, {"stake_size": "10m_100m"}) == [
        "SoftBank Vision Fund"
    ]
    assert admin_names(deal_client, {"stake_size": "1b_plus"}) == []


def test_one_stake_must_meet_the_sector_and_the_amount(api, deal_client, sectors):
    vision = CompanyFactory(name="SenseTime", sector=sectors["computer-vision"])
    payments = CompanyFactory(name="Ant Group", sector=sectors["fintech"])
    mixed = InvestorFactory(name="Mixed Capital")
    # $500M, but in fintech; in computer vision, only $1M.
    StakeFactory(investor=mixed, company=payments, amount=Decimal("500000000"))
    StakeFactory(investor=mixed, company=vision, amount=Decimal("1000000"))
    focused = InvestorFactory(name="Focused Capital")
    StakeFactory(investor=focused, company=vision, amount=Decimal("200000000"))
    question = {"portfolio_sector": "computer-vision", "stake_min": "100000000"}

    assert api_names(api, question) == ["Focused Capital"]
    assert admin_names(deal_client, question) == ["Focused Capital"]


def test_portfolio_sector_includes_sub_sectors_and_differs_from_focus(api, sectors):
    vision = CompanyFactory(sector=sectors["computer-vision"])
    holder = InvestorFactory(name="Holder", sectors=[sectors["fintech"]])
    StakeFactory(investor=holder, company=vision)
    InvestorFactory(name="Declared only", sectors=[sectors["computer-vision"]])

    assert api_names(api, {"portfolio_sector": "ai"}) == ["Holder"]
    assert api_names(api, {"sector": "ai"}) == ["Declared only"]


def test_an_unknown_portfolio_sector_is_a_400_naming_the_parameter(api, sectors):
    response = api.get("/api/v1/investors/", {"portfolio_sector": "no-such-sector"})

    assert response.status_code == 400
    assert "portfolio_sector" in field_errors(response)


def test_a_walled_stake_makes_an_investor_match_only_for_its_team(
    api, deal_client, deal_team_user, superuser, sectors, client
):
    vision = CompanyFactory(sector=sectors["computer-vision"])
    secret = FundingRoundFactory(company=vision, name="Series D", confidential=True)
    team = Team.objects.create(name="Project Lotus")
    secret.teams.set([team])
    hidden = InvestorFactory(name="Hidden Holder")
    StakeFactory(
        investor=hidden, company=vision, round=secret, amount=Decimal("300000000")
    )
    question = {"portfolio_sector": "computer-vision", "stake_min": "100000000"}

    assert api_names(api, question) == []
    assert admin_names(deal_client, question) == []

    team.members.add(deal_team_user)
    deal_team_user.refresh_from_db()
    client.force_login(deal_team_user)
    assert admin_names(client, question) == ["Hidden Holder"]


def test_a_bad_typed_amount_in_the_admin_is_refused_not_ignored(deal_client):
    response = deal_client.get(changelist_url(Investor), {"stake_min": "lots"})

    # The admin's answer to filters it cannot apply: back to the list, flagged.
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_pipeline_sums_prospects_and_stakes_in_talks_only(api):
    fund = InvestorFactory(name="Fund")
    for status, amount in [
        ("prospect", "10"),
        ("in_talks", "20"),
        ("committed", "400"),
        ("closed", "800"),
        ("declined", "1600"),
        ("exited", "3200"),
    ]:
        StakeFactory(
            investor=fund,
            status=status,
            amount=Decimal(amount),
            company=CompanyFactory(),
        )

    row = api.get(f"/api/v1/investors/{fund.pk}/").json()

    assert row["pipeline_usd"] == "30.00"
    assert row["total_stake_usd"] == "1200.00"
    assert row["largest_stake_usd"] == "800.00"
    assert row["portfolio_count"] == 2
    assert set(Stake.HELD) == {"committed", "closed"}


def test_on_generated_data_the_admin_the_api_and_a_recount_agree(api, deal_client):
    # Generated data: skewed stakes in every status, confidential rounds walled
    # to teams the asking user is not in.
    call_command(
        "generate_data",
        investors=60,
        companies=20,
        stakes=300,
        interactions=30,
        seed=3,
        stdout=StringIO(),
    )
    held = Stake.objects.filter(status__in=Stake.HELD, amount_usd__isnull=False)
    visible = held.filter(Q(round__isnull=True) | Q(round__confidential=False))
    amounts = sorted(visible.values_list("amount_usd", flat=True))
    threshold = amounts[len(amounts) // 2]
    roots = Sector.objects.filter(parent__isnull=True).order_by("slug")
    assert held.exclude(pk__in=visible).exists()  # walls are exercised

    for root in roots:
        subtree = Sector.objects.filter(
            Q(pk=root.pk)
            | Q(parent=root)
            | Q(parent__parent=root)
            | Q(parent__parent__parent=root)
        )
        expected = sorted(
            set(
                visible.filter(
                    company__sector__in=subtree, amount_usd__gte=threshold
                ).values_list("investor__name", flat=True)
            )
        )
        question = {"portfolio_sector": root.slug, "stake_min": str(threshold)}

        assert api_names(api, question) == expected
        assert admin_names(deal_client, question) == expected
