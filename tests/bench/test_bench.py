"""The benchmark's own logic (bench/): its naive twin, its sums and its parsing.

The benchmark itself runs with `make bench`; these check, on any database,
that what it compares and reports is right.
"""

import datetime
from decimal import Decimal

import pytest

from bench import datasets, naive, report
from bench.probes import (
    Statement,
    dashboard_user,
    dominant_node,
    ensure_board_round,
    same_rows,
)
from crm.core.models import Team
from crm.portfolio.models import Stake
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
    UserFactory,
)

M = Decimal(1_000_000)
L1 = (
    "investors/?sector=artificial-intelligence&country=US,GB&stake_min=5000000"
    "&ordering=-total_stake_usd"
)


@pytest.fixture
def ai_investors(db):
    """Two investors L1 finds (GB first: larger total), three it must not."""
    ai = SectorFactory(name="Artificial intelligence", slug="artificial-intelligence")
    vision = SectorFactory(name="Computer vision", slug="computer-vision", parent=ai)
    fintech = SectorFactory(name="Fintech", slug="fintech")
    us = InvestorFactory(name="Harbour Ventures", country="US", sectors=[vision])
    gb = InvestorFactory(name="Thames Capital", country="GB", sectors=[ai])
    cn = InvestorFactory(name="Xihu Capital", country="CN", sectors=[ai])
    payments = InvestorFactory(name="Ledger Partners", country="US", sectors=[fintech])
    small = InvestorFactory(name="Acorn Seed", country="US", sectors=[ai])
    megvii = CompanyFactory(name="Megvii", sector=vision)
    StakeFactory(investor=us, company=megvii, amount=6 * M)
    StakeFactory(investor=us, company=megvii, amount=2 * M)
    StakeFactory(investor=gb, company=megvii, amount=10 * M)
    StakeFactory(
        investor=gb, company=megvii, amount=50 * M, status=Stake.Status.DECLINED
    )
    StakeFactory(investor=cn, amount=90 * M)
    StakeFactory(investor=payments, amount=90 * M)
    StakeFactory(investor=small, amount=1 * M)
    # A confidential round the Deal-team user is not in: its stake counts nowhere.
    secret = FundingRoundFactory(
        company=CompanyFactory(name="SenseTime", sector=vision),
        name="Series D",
        confidential=True,
    )
    secret.teams.set([Team.objects.create(name="Project Sun")])
    StakeFactory(investor=us, company=secret.company, round=secret, amount=500 * M)
    InteractionFactory(
        investor=us, occurred_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    )
    return us, gb


@pytest.mark.urls("bench.naive_urls")
def test_the_naive_investor_list_answers_the_apps_rows_and_figures(api, ai_investors):
    us, gb = ai_investors

    app = api.get(f"/api/v1/{L1}")
    twin = api.get(f"/naive/api/v1/{L1}")

    assert [row["id"] for row in app.json()["results"]] == [gb.pk, us.pk]
    assert same_rows(app, twin) == ""
    assert twin.json()["results"][1]["total_stake_usd"] == "8000000.00"
    assert twin.json()["results"][1]["last_interaction_at"] == "2024-03-01T00:00:00Z"


@pytest.mark.urls("bench.naive_urls")
def test_the_naive_investor_detail_nests_sectors_and_people(api, ai_investors):
    us, _ = ai_investors

    twin = api.get(f"/naive/api/v1/investors/{us.pk}/").json()

    assert twin["sectors"] == [
        {
            "id": us.sectors.get().pk,
            "slug": "computer-vision",
            "name": "Computer vision",
        }
    ]
    assert twin["contacts"] == []
    assert (
        same_rows(
            api.get(f"/api/v1/investors/{us.pk}/"),
            api.get(f"/naive/api/v1/investors/{us.pk}/"),
        )
        == ""
    )


@pytest.mark.urls("bench.naive_urls")
def test_the_naive_stake_list_answers_the_apps_rows(api, ai_investors):
    query = "stakes/?sector=artificial-intelligence&amount_min=5000000"

    app = api.get(f"/api/v1/{query}")
    twin = api.get(f"/naive/api/v1/{query}")

    # Harbour's 6M, Thames's 10M and declined 50M; not the hidden 500M.
    assert len(app.json()["results"]) == 3
    assert same_rows(app, twin) == ""
    assert twin.json()["results"][0]["company"]["sector"]["slug"] == "computer-vision"


def test_the_naive_twin_is_mounted_only_in_the_bench_urls(api, ai_investors):
    assert api.get(f"/naive/api/v1/{L1}").status_code == 404
    assert naive.InvestorViewSet.serializer_class is naive.InvestorSerializer


def test_statements_on_tokens_users_and_permissions_count_as_authentication():
    token = Statement(
        'SELECT * FROM "accounts_apitoken" INNER JOIN "auth_user" ON 1', []
    )
    page = Statement(
        'SELECT * FROM "investors_investor" WHERE EXISTS(SELECT 1 FROM "auth_user")', []
    )

    assert token.authenticates
    assert not page.authenticates
    assert page.describe() == "SELECT investors_investor+1 more"


def test_quantiles_interpolate_between_ranks():
    assert report.quantile([4, 1, 3, 2], 0.5) == 2.5
    assert report.quantile([1, 2, 3, 4, 5], 0.95) == pytest.approx(4.8)
    assert report.spread(report.ratios([2, 4, 6], [1, 2, 2])) == "2.00 (2.00–2.50)"


def test_the_plan_summary_names_the_nodes_with_the_most_time_of_their_own():
    plan = {
        "Execution Time": 100.0,
        "JIT": {"Timing": {"Total": 5.0}},
        "Plan": {
            "Node Type": "Limit",
            "Actual Total Time": 100.0,
            "Actual Loops": 1,
            "Actual Rows": 50,
            "Plans": [
                {
                    "Node Type": "Seq Scan",
                    "Relation Name": "investors_investor",
                    "Actual Total Time": 30.0,
                    "Actual Loops": 1,
                    "Actual Rows": 100,
                },
                {
                    "Node Type": "Index Scan",
                    "Relation Name": "portfolio_stake",
                    "Index Name": "portfolio_stake_investor_id",
                    "Subplan Name": "SubPlan 1",
                    "Actual Total Time": 0.5,
                    "Actual Loops": 100,
                    "Actual Rows": 3,
                },
            ],
        },
    }

    assert dominant_node(plan) == (
        "Index Scan on portfolio_stake using portfolio_stake_investor_id "
        "(SubPlan 1, 100 loops): 50 ms; Seq Scan on investors_investor: 30 ms; "
        "of 100 ms"
    )


def test_generate_datas_report_gives_rows_speed_and_peak_memory():
    output = (
        "table   rows  seconds  rows/s\n"
        "portfolio_stake   1,000,000   9.95   100,474\n"
        "total   7,556,340   51.36   147,124\n"
        "Peak memory: 152 MB (ru_maxrss).\n"
    )

    assert datasets.parse_report(output) == {
        "rows": 7_556_340,
        "seconds": 51.36,
        "rows_per_second": 147_124,
        "peak_memory_mb": 152,
    }


def test_a_copy_scales_every_size():
    sizes = datasets.Sizes(100_000, 20_000, 1_000_000, 1_000_000)

    assert sizes.scaled(1) == datasets.Sizes(1_000, 200, 10_000, 10_000)


def test_the_plan_summary_puts_a_costly_jit_compilation_first():
    plan = {
        "Execution Time": 100.0,
        "JIT": {"Timing": {"Total": 80.0}},
        "Plan": {
            "Node Type": "Seq Scan",
            "Relation Name": "investors_investor",
            "Actual Total Time": 100.0,
            "Actual Loops": 1,
            "Actual Rows": 100,
        },
    }

    assert dominant_node(plan, top=1) == (
        "JIT compilation: 80 ms (over all processes); "
        "Seq Scan on investors_investor: 100 ms; of 100 ms"
    )


def test_each_list_probe_is_measured_as_a_team_member_and_a_superuser_too():
    from bench import probes

    keys = probes.by_user(["L1", "D1", "C1", "A1"])

    assert keys == [
        "L1",
        "L1 team",
        "L1 superuser",
        "D1",
        "C1",
        "C1 team",
        "C1 superuser",
        "A1",
        "A1 team",
        "A1 superuser",
    ]
    assert all(key in probes.DESCRIPTIONS for key in probes.by_user(keys))
    investor_list = probes.COUNT_GROUPS["investor list"][1]
    assert {"L1 team", "L1 superuser", "L2 team"} <= set(investor_list)


def test_the_board_round_puts_every_investor_in_a_column_once(db):
    investors = [InvestorFactory(name=f"Investor {n}") for n in range(7)]
    CompanyFactory(name="SenseTime")

    board = ensure_board_round()
    again = ensure_board_round()

    assert again == board
    assert (board.name, board.status) == ("Bench board", "open")
    stakes = Stake.objects.filter(round=board).order_by("investor_id")
    # Fewer investors than BOARD_STAKES: each of them once.
    assert [stake.investor for stake in stakes] == investors
    assert [stake.status for stake in stakes] == [
        "prospect",
        "in_talks",
        "committed",
        "closed",
        "declined",
        "prospect",
        "in_talks",
    ]
    assert [stake.amount for stake in stakes][:3] == [None, 1 * M, 2 * M]


def test_the_dashboard_user_owns_the_most_investors_each_with_a_cadence(db):
    busy = UserFactory(username="busy", groups=["Deal team"], is_staff=True)
    quiet = UserFactory(username="quiet", groups=["Deal team"], is_staff=True)
    InvestorFactory(owner=quiet)
    mine = [InvestorFactory(owner=busy) for _ in range(2)]
    InvestorFactory(owner=busy, contact_cadence_days=30)

    assert dashboard_user() == busy
    assert sorted(
        busy.owned_investors.values_list("contact_cadence_days", flat=True)
    ) == [30, 90, 90]
    assert {investor.pk for investor in mine} <= set(
        busy.owned_investors.filter(contact_cadence_days=90).values_list(
            "pk", flat=True
        )
    )
    assert quiet.owned_investors.get().contact_cadence_days is None
