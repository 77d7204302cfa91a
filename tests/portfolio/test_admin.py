import datetime
from decimal import Decimal

import pytest

from crm.portfolio.models import Company, FundingRound, Stake
from tests.admin_pages import (
    add_url,
    change_url,
    changelist_url,
    filter_choices,
    listed,
    management_form,
    sorted_by,
)
from tests.factories import (
    CompanyFactory,
    ExchangeRateFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db


def company_post_data(**values):
    return {
        "name": "",
        "aliases": "",
        "sector": "",
        "country": "",
        "city": "",
        "website": "",
        "founded_year": "",
        "status": Company.Status.PRIVATE,
        "description": "",
        **management_form("rounds"),
        **values,
    }


def round_post_data(round_, **values):
    return {
        "company": round_.company_id,
        "name": round_.name,
        "stage": round_.stage,
        "status": round_.status,
        "announced_on": round_.announced_on or "",
        "closed_on": round_.closed_on or "",
        "currency": round_.currency,
        "target_amount": round_.target_amount or "",
        "raised_amount": round_.raised_amount or "",
        "pre_money_valuation": round_.pre_money_valuation or "",
        "post_money_valuation": round_.post_money_valuation or "",
        **management_form("stakes"),
        **values,
    }


# Companies


def test_the_company_changelist_shows_total_raised_and_latest_valuation(deal_client):
    sensetime = CompanyFactory(name="SenseTime")
    FundingRoundFactory(
        company=sensetime,
        name="Series C",
        raised_amount=Decimal("410000000"),
        post_money_valuation=Decimal("1500000000"),
        announced_on=datetime.date(2017, 7, 11),
    )
    FundingRoundFactory(
        company=sensetime,
        name="Series C+",
        raised_amount=Decimal("620000000"),
        post_money_valuation=Decimal("4500000000"),
        announced_on=datetime.date(2018, 5, 31),
    )
    FundingRoundFactory(
        company=sensetime,
        name="Cancelled",
        status=FundingRound.Status.CANCELLED,
        raised_amount=Decimal("999000000"),
        announced_on=datetime.date(2018, 6, 1),
    )

    response = deal_client.get(changelist_url(Company))

    [row] = listed(response)
    assert row.total_raised_usd == Decimal("1030000000.00")
    assert row.latest_valuation_usd == Decimal("4500000000.00")
    assert "USD 1,030,000,000" in response.text
    assert "USD 4,500,000,000" in response.text


def test_the_company_change_form_shows_its_rounds_and_figures(deal_client):
    company = CompanyFactory(name="SenseTime")
    FundingRoundFactory(
        company=company,
        name="Series C+",
        raised_amount=Decimal("620000000"),
        post_money_valuation=Decimal("4500000000"),
    )

    response = deal_client.get(change_url(company))

    assert response.status_code == 200
    assert "Series C+" in response.text
    assert "USD 4,500,000,000" in response.text


def test_companies_are_found_by_an_alias(deal_client):
    megvii = CompanyFactory(name="Megvii", aliases=["Face++", "Kuangshi", "旷视科技"])
    sensetime = CompanyFactory(name="SenseTime", aliases=["Shangtang", "商汤科技"])

    by_alias = deal_client.get(changelist_url(Company), {"q": "face++"})
    by_other_alias = deal_client.get(changelist_url(Company), {"q": "KUANGSHI"})
    by_chinese_alias = deal_client.get(changelist_url(Company), {"q": "商汤"})
    by_name = deal_client.get(changelist_url(Company), {"q": "megv"})

    assert listed(by_alias) == [megvii]
    assert listed(by_other_alias) == [megvii]
    assert listed(by_chinese_alias) == [sensetime]
    assert listed(by_name) == [megvii]


def test_aliases_are_typed_one_per_line_and_stored_as_a_list(deal_client):
    response = deal_client.post(
        add_url(Company),
        company_post_data(name="Megvii", aliases="Face++\n  Kuangshi Technology \n\n"),
    )

    assert response.status_code == 302
    megvii = Company.objects.get(name="Megvii")
    assert megvii.aliases == ["Face++", "Kuangshi Technology"]
    change_form = deal_client.get(change_url(megvii))
    assert "Face++\nKuangshi Technology</textarea>" in change_form.text


def test_the_company_sector_filter_includes_sub_sectors(deal_client, sector_tree):
    megvii = CompanyFactory(name="Megvii", sector=sector_tree.ai)
    sensetime = CompanyFactory(name="SenseTime", sector=sector_tree.vision)
    CompanyFactory(name="Ant Financial", sector=sector_tree.fintech)

    in_ai = deal_client.get(
        changelist_url(Company), {"sector": "artificial-intelligence"}
    )
    in_vision = deal_client.get(changelist_url(Company), {"sector": "computer-vision"})

    assert listed(in_ai) == [megvii, sensetime]
    assert listed(in_vision) == [sensetime]


def test_the_company_country_filter_offers_the_countries_in_use(deal_client):
    sensetime = CompanyFactory(name="SenseTime", country="CN")
    CompanyFactory(name="Grab", country="SG")

    response = deal_client.get(changelist_url(Company), {"country": "CN"})

    assert listed(response) == [sensetime]
    assert filter_choices(response, "country") == [
        ("All", False),
        ("China", True),
        ("Singapore", False),
    ]


def test_the_company_status_filter(deal_client):
    listed_company = CompanyFactory(name="Megvii", status=Company.Status.PUBLIC)
    CompanyFactory(name="SenseTime", status=Company.Status.PRIVATE)

    response = deal_client.get(changelist_url(Company), {"status__exact": "public"})

    assert listed(response) == [listed_company]


@pytest.mark.parametrize(
    ("column", "ascending"),
    [
        ("total_raised", ["C", "B", "A"]),  # 0, 100M, 300M
        ("latest_valuation", ["B", "A"]),  # 2B, 1B later: latest counts
    ],
)
def test_companies_sort_by_derived_columns(deal_client, column, ascending):
    a = CompanyFactory(name="A")
    FundingRoundFactory(
        company=a,
        raised_amount=Decimal("100000000"),
        post_money_valuation=Decimal("3000000000"),
        announced_on=datetime.date(2017, 1, 1),
    )
    FundingRoundFactory(
        company=a,
        raised_amount=Decimal("200000000"),
        post_money_valuation=Decimal("5000000000"),
        announced_on=datetime.date(2018, 1, 1),
    )
    b = CompanyFactory(name="B")
    FundingRoundFactory(
        company=b,
        raised_amount=Decimal("100000000"),
        post_money_valuation=Decimal("2000000000"),
    )
    if column == "total_raised":
        CompanyFactory(name="C")

    up = sorted_by(deal_client, Company, column)
    down = sorted_by(deal_client, Company, column, descending=True)

    assert [company.name for company in up] == ascending
    assert [company.name for company in down] == ascending[::-1]


def test_a_round_added_on_the_company_page_gets_its_usd_values(deal_client):
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 1, 1),
    )
    company = CompanyFactory(name="SenseTime", country="CN")

    response = deal_client.post(
        change_url(company),
        company_post_data(
            name="SenseTime",
            country="CN",
            **management_form("rounds", total=1),
            **{
                "rounds-0-name": "Series C",
                "rounds-0-stage": FundingRound.Stage.SERIES_C,
                "rounds-0-status": FundingRound.Status.CLOSED,
                "rounds-0-currency": "CNY",
                "rounds-0-raised_amount": "1000000",
                "rounds-0-post_money_valuation": "",
                "rounds-0-announced_on": "2018-05-01",
            },
        ),
    )

    assert response.status_code == 302
    round_ = FundingRound.objects.get(company=company)
    assert round_.raised_amount_usd == Decimal("150000.00")


def test_the_company_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, sector_tree, django_assert_num_queries
):
    def make_companies(count):
        for _ in range(count):
            company = CompanyFactory(sector=sector_tree.vision, aliases=["x"])
            FundingRoundFactory(company=company, post_money_valuation=Decimal(10))
            FundingRoundFactory(company=company, raised_amount=Decimal(5))

    # 1 session, 2 user, 3-4 the user's and its groups' permissions, 5 the
    # confidential rounds the user's teams see (read once per request,
    # crm.portfolio.walls), 6 sectors for the sector tree filter, 7 count of
    # the filtered companies (up to the cap, crm.core.admin_pagination; no
    # second, unfiltered count), 8 the page of companies with sectors and both
    # figures as subqueries, 9 countries in use for the country filter.
    expected_queries = 9

    make_companies(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Company))
    assert len(listed(response)) == 3

    make_companies(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Company))
    assert len(listed(response)) == 6


# Funding rounds


def test_the_round_changelist_and_change_form_show_the_investor_pipeline(
    deal_client,
):
    round_ = FundingRoundFactory(
        company=CompanyFactory(name="SenseTime"),
        name="Series D",
        status=FundingRound.Status.OPEN,
        raised_amount=Decimal("600000000"),
    )
    StakeFactory(
        investor=InvestorFactory(name="SoftBank Vision Fund"),
        company=round_.company,
        round=round_,
        status=Stake.Status.IN_TALKS,
        amount=Decimal("1000000000"),
    )

    changelist = deal_client.get(changelist_url(FundingRound))
    change_form = deal_client.get(change_url(round_))

    assert listed(changelist) == [round_]
    assert "USD 600,000,000" in changelist.text
    assert change_form.status_code == 200
    assert "investor pipeline" in change_form.text.lower()
    assert "SoftBank Vision Fund" in change_form.text
    assert "USD 1,000,000,000" in change_form.text  # the read-only USD value
    assert 'value="1000000000.00"' in change_form.text  # the amount's input


def test_a_stake_added_to_the_pipeline_is_in_the_rounds_company(deal_client):
    ExchangeRateFactory(
        currency="HKD",
        usd_per_unit=Decimal("0.13"),
        valid_from=datetime.date(2018, 1, 1),
    )
    round_ = FundingRoundFactory(company=CompanyFactory(name="SenseTime"))
    hopu = InvestorFactory(name="HOPU Capital")

    response = deal_client.post(
        change_url(round_),
        round_post_data(
            round_,
            **management_form("stakes", total=1),
            **{
                "stakes-0-investor": hopu.pk,
                "stakes-0-status": Stake.Status.COMMITTED,
                "stakes-0-amount": "1000000",
                "stakes-0-currency": "HKD",
                "stakes-0-ownership_pct": "",
                "stakes-0-is_lead": "on",
                "stakes-0-as_of": "2018-05-01",
                "stakes-0-source": "Illustrative",
            },
        ),
    )

    assert response.status_code == 302
    stake = Stake.objects.get(round=round_)
    assert stake.investor == hopu
    assert stake.company == round_.company
    assert stake.is_lead is True
    assert stake.amount_usd == Decimal("130000.00")


def test_the_same_investor_twice_in_a_round_is_an_error(deal_client):
    round_ = FundingRoundFactory()
    hopu = InvestorFactory(name="HOPU Capital")
    StakeFactory(investor=hopu, company=round_.company, round=round_)

    response = deal_client.post(
        add_url(Stake),
        {
            "investor": hopu.pk,
            "company": round_.company_id,
            "round": round_.pk,
            "status": Stake.Status.PROSPECT,
            "amount": "",
            "currency": "USD",
            "ownership_pct": "",
            "as_of": "2018-05-01",
            "source": "",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["round"] == [
        "This investor already has a stake in this round."
    ]


def test_a_round_closing_before_it_was_announced_is_an_error_on_closed_on(
    deal_client,
):
    round_ = FundingRoundFactory(announced_on=datetime.date(2018, 5, 1))

    response = deal_client.post(
        change_url(round_), round_post_data(round_, closed_on="2018-04-30")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["closed_on"] == [
        "A round cannot close before it was announced."
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage__exact": "seed"}, ["Seed"]),
        ({"status__exact": "open"}, ["Series B"]),
        (
            {"sector": "artificial-intelligence"},
            ["Seed", "Series B"],
        ),  # AI and computer vision
        ({"sector": "computer-vision"}, ["Series B"]),
    ],
)
def test_rounds_filter_by_stage_status_and_company_sector(
    deal_client, sector_tree, params, expected
):
    FundingRoundFactory(
        company=CompanyFactory(sector=sector_tree.ai),
        name="Seed",
        stage=FundingRound.Stage.SEED,
    )
    FundingRoundFactory(
        company=CompanyFactory(sector=sector_tree.vision),
        name="Series B",
        stage=FundingRound.Stage.SERIES_B,
        status=FundingRound.Status.OPEN,
    )
    FundingRoundFactory(
        company=CompanyFactory(sector=sector_tree.fintech),
        name="Series A",
        stage=FundingRound.Stage.SERIES_A,
    )
    response = deal_client.get(changelist_url(FundingRound), params)

    assert sorted(round_.name for round_ in listed(response)) == expected


def test_the_round_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, sector_tree, django_assert_num_queries
):
    # 1 session, 2 user, 3-4 permissions, 5 the confidential rounds the user's
    # teams see (crm.portfolio.walls), 6 sectors for the company sector
    # filter, 7 count of the filtered rounds (up to the cap,
    # crm.core.admin_pagination; no second, unfiltered count), 8 the page of
    # rounds with their companies.
    expected_queries = 8

    FundingRoundFactory.create_batch(3, raised_amount=Decimal(5))
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(FundingRound))
    assert len(listed(response)) == 3

    FundingRoundFactory.create_batch(3, raised_amount=Decimal(5))
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(FundingRound))
    assert len(listed(response)) == 6


# Stakes


def test_the_stake_changelist_and_change_form_open(deal_client):
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 1, 1),
    )
    round_ = FundingRoundFactory(company=CompanyFactory(name="SenseTime"), name="C+")
    stake = StakeFactory(
        investor=InvestorFactory(name="Alibaba Group"),
        company=round_.company,
        round=round_,
        amount=Decimal("2000000000"),
        currency="CNY",
    )

    changelist = deal_client.get(changelist_url(Stake))
    change_form = deal_client.get(change_url(stake))

    assert listed(changelist) == [stake]
    assert "CNY 2,000,000,000" in changelist.text
    assert "USD 300,000,000" in changelist.text
    assert change_form.status_code == 200
    # The USD value is shown, never typed in.
    assert "amount_usd" not in change_form.context["adminform"].form.fields
    # Formatted, with the rate that converted it: here four months older
    # than the stake's date, so the page warns.
    assert (
        'USD 300,000,000<div class="crm-fx-note">At 0.15 USD per CNY, the rate '
        "of 2018-01-01. Warning: that rate is more than 45 days older than the "
        "record&#x27;s date; add a newer rate and save again.</div>"
    ) in change_form.text


def test_a_stake_in_a_round_of_another_company_is_an_error_on_round(deal_client):
    other_round = FundingRoundFactory(company=CompanyFactory(name="Megvii"))

    response = deal_client.post(
        add_url(Stake),
        {
            "investor": InvestorFactory().pk,
            "company": CompanyFactory(name="SenseTime").pk,
            "round": other_round.pk,
            "status": Stake.Status.PROSPECT,
            "currency": "USD",
            "as_of": "2018-05-01",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["round"] == [
        "This round belongs to another company."
    ]
    assert not Stake.objects.exists()


@pytest.fixture
def three_stakes(sector_tree):
    """A lead in computer vision (CN), a prospect in AI (US), one in fintech (GB)."""
    lead = StakeFactory(
        investor=InvestorFactory(name="Alibaba Group", country="CN"),
        company=CompanyFactory(sector=sector_tree.vision),
        is_lead=True,
    )
    prospect = StakeFactory(
        investor=InvestorFactory(name="Silver Lake Partners", country="US"),
        company=CompanyFactory(sector=sector_tree.ai),
        status=Stake.Status.PROSPECT,
    )
    fintech = StakeFactory(
        investor=InvestorFactory(name="Fidelity International", country="GB"),
        company=CompanyFactory(sector=sector_tree.fintech),
    )
    return {"lead": lead, "prospect": prospect, "fintech": fintech}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "prospect"}, ["prospect"]),
        ({"is_lead__exact": "1"}, ["lead"]),
        ({"is_lead__exact": "0"}, ["fintech", "prospect"]),
        ({"sector": "artificial-intelligence"}, ["lead", "prospect"]),
        ({"sector": "computer-vision"}, ["lead"]),
        ({"investor__country": "GB"}, ["fintech"]),
    ],
)
def test_stakes_filter_by_status_lead_sector_and_investor_country(
    deal_client, sector_tree, three_stakes, params, expected
):
    response = deal_client.get(changelist_url(Stake), params)

    names = {stake.pk: name for name, stake in three_stakes.items()}
    assert sorted(names[stake.pk] for stake in listed(response)) == expected


def test_the_investor_country_filter_offers_the_countries_in_use(
    deal_client, three_stakes
):
    response = deal_client.get(changelist_url(Stake))

    # In the order of settings.COUNTRIES_FIRST: the deal team's usual countries.
    assert filter_choices(response, "investor HQ country") == [
        ("All", True),
        ("China", False),
        ("United States of America", False),
        ("United Kingdom", False),
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        # The benchmark's A2: a sector and the sectors below it.
        {"sector": "artificial-intelligence"},
        {"status__exact": "closed", "is_lead__exact": "0", "investor__country": "CN"},
    ],
)
def test_the_stake_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, sector_tree, django_assert_num_queries, params
):
    def make_stakes(count):
        for _ in range(count):
            round_ = FundingRoundFactory(
                company=CompanyFactory(sector=sector_tree.vision)
            )
            StakeFactory(
                company=round_.company,
                round=round_,
                investor=InvestorFactory(country="CN"),
                status=Stake.Status.CLOSED,
                is_lead=False,
            )

    # 1 session, 2 user, 3-4 permissions, 5 the confidential rounds the user's
    # teams see (crm.portfolio.walls), 6 sectors for the company sector filter
    # (its sub-sectors are a subquery of the next two), 7 count of the
    # filtered stakes (up to the cap, crm.core.admin_pagination; no second,
    # unfiltered count), 8 the page of stakes with investors, companies and
    # rounds, 9 HQ countries in use among investors (not a scan of the
    # stakes).
    expected_queries = 9

    make_stakes(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Stake), params)
    assert len(listed(response)) == 3

    make_stakes(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Stake), params)
    assert len(listed(response)) == 6
