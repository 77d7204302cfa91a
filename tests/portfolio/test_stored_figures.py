"""Figures stored on rounds and companies: the services keep them, walls hold.

A round's raised figure is the raised amount entered, otherwise what its
committed and closed stakes hold (`held_usd`); a company's total raised sums
its rounds' raised figures and its latest valuation is the post-money of its
latest round with one. Both are stored over every round and over the open
ones; a member of a deal's team gets the companies of their confidential
rounds recounted (`CompanyQuerySet.with_figures`).
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from crm.core.models import Team
from crm.portfolio.models import COMPANY_FIGURES, Company, FundingRound, Stake
from crm.portfolio.services import (
    round_delete,
    round_save,
    stake_delete,
    stake_save,
)
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)
COMPANIES = "/api/v1/companies/"


def figures_of(company, user=None):
    row = Company.objects.with_figures(user).get(pk=company.pk)
    return row.total_raised_usd, row.latest_valuation_usd


def recount_agrees():
    """check_figures finds nothing to report (raises CommandError otherwise)."""
    call_command("check_figures", stdout=StringIO())
    return True


@pytest.fixture
def lotus(deal_team_user):
    team = Team.objects.create(name="Project Lotus")
    team.members.add(deal_team_user)
    return team


@pytest.fixture
def series_c(sensetime):
    return FundingRoundFactory(
        company=sensetime,
        name="Series C",
        announced_on=datetime.date(2018, 4, 9),
        raised_amount=600 * M,
        pre_money_valuation=3900 * M,
        post_money_valuation=4500 * M,
    )


@pytest.fixture
def series_d(sensetime, lotus):
    """Confidential to Project Lotus: later, larger, no raised amount entered."""
    secret = FundingRoundFactory(
        company=sensetime,
        name="Series D",
        status=FundingRound.Status.OPEN,
        announced_on=datetime.date(2018, 7, 1),
        pre_money_valuation=9000 * M,
        post_money_valuation=12000 * M,
        confidential=True,
    )
    secret.teams.set([lotus])
    return secret


# A round's raised figure


def test_a_round_without_a_raised_amount_raises_what_its_held_stakes_hold(
    sensetime, alibaba, softbank
):
    series_d = FundingRoundFactory(
        company=sensetime, name="Series D", status=FundingRound.Status.OPEN
    )
    assert series_d.raised_usd is None

    StakeFactory(investor=alibaba, company=sensetime, round=series_d, amount=300 * M)
    StakeFactory(
        investor=softbank,
        company=sensetime,
        round=series_d,
        amount=200 * M,
        status=Stake.Status.COMMITTED,
    )
    # The pipeline is not raised yet.
    StakeFactory(
        investor=InvestorFactory(name="Hillhouse"),
        company=sensetime,
        round=series_d,
        amount=900 * M,
        status=Stake.Status.IN_TALKS,
    )

    series_d.refresh_from_db()
    assert (series_d.held_usd, series_d.raised_usd) == (500 * M, 500 * M)
    assert figures_of(sensetime) == (500 * M, None)
    assert recount_agrees()


def test_an_entered_raised_amount_wins_over_the_held_stakes(sensetime, alibaba):
    series_d = FundingRoundFactory(
        company=sensetime, name="Series D", raised_amount=620 * M
    )

    StakeFactory(investor=alibaba, company=sensetime, round=series_d, amount=300 * M)

    series_d.refresh_from_db()
    assert (series_d.held_usd, series_d.raised_usd) == (300 * M, 620 * M)
    assert figures_of(sensetime) == (620 * M, None)


def test_a_stake_leaving_a_round_takes_its_amount_out_of_the_raised_figure(
    sensetime, alibaba
):
    series_c = FundingRoundFactory(company=sensetime, name="Series C")
    series_d = FundingRoundFactory(company=sensetime, name="Series D")
    stake = StakeFactory(
        investor=alibaba, company=sensetime, round=series_c, amount=300 * M
    )

    stake.round = series_d
    stake_save(stake=stake)
    series_c.refresh_from_db()
    series_d.refresh_from_db()
    assert (series_c.raised_usd, series_d.raised_usd) == (None, 300 * M)

    stake_delete(stake=stake)
    series_d.refresh_from_db()
    assert (series_d.held_usd, series_d.raised_usd) == (0, None)
    assert figures_of(sensetime) == (0, None)
    assert recount_agrees()


def test_the_round_api_shows_the_held_and_raised_figures(api, sensetime, alibaba):
    series_d = FundingRoundFactory(company=sensetime, name="Series D")
    StakeFactory(investor=alibaba, company=sensetime, round=series_d, amount=300 * M)

    body = api.get(f"/api/v1/rounds/{series_d.pk}/").json()

    assert (body["raised_amount_usd"], body["held_usd"], body["raised_usd"]) == (
        None,
        "300000000.00",
        "300000000.00",
    )


def test_the_company_page_shows_a_round_raised_by_its_held_stakes(
    deal_client, sensetime, alibaba
):
    series_d = FundingRoundFactory(company=sensetime, name="Series D")
    StakeFactory(investor=alibaba, company=sensetime, round=series_d, amount=300 * M)

    page = deal_client.get(
        f"/admin/portfolio/company/{sensetime.pk}/change/"
    ).content.decode()

    assert "raised USD 300,000,000" in page
    assert "raised -" not in page


# Companies' stored figures follow every round write


def test_round_writes_keep_the_company_figures(sensetime, series_c):
    assert figures_of(sensetime) == (600 * M, 4500 * M)

    series_c.raised_amount = 610 * M
    series_c.post_money_valuation = 4600 * M
    round_save(funding_round=series_c)
    assert figures_of(sensetime) == (610 * M, 4600 * M)

    series_c.status = FundingRound.Status.CANCELLED
    round_save(funding_round=series_c)
    assert figures_of(sensetime) == (0, None)

    series_c.status = FundingRound.Status.CLOSED
    round_save(funding_round=series_c)
    round_delete(funding_round=series_c)
    assert figures_of(sensetime) == (0, None)
    assert recount_agrees()


def test_a_round_moved_to_another_company_moves_its_figures(
    api, sensetime, megvii, series_c
):
    response = api.patch(f"/api/v1/rounds/{series_c.pk}/", {"company": megvii.pk})

    assert response.status_code == 200
    assert figures_of(sensetime) == (0, None)
    assert figures_of(megvii) == (600 * M, 4500 * M)


def test_deleting_a_round_in_the_api_and_the_admin_takes_it_out_of_the_figures(
    admin_api, boss_client, sensetime, megvii, series_c
):
    other = FundingRoundFactory(company=megvii, name="Series C", raised_amount=460 * M)

    assert admin_api.delete(f"/api/v1/rounds/{series_c.pk}/").status_code == 204
    response = boss_client.post(
        f"/admin/portfolio/fundinground/{other.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert figures_of(sensetime) == (0, None)
    assert figures_of(megvii) == (0, None)


def test_a_company_saved_with_stale_figures_keeps_the_stored_ones(sensetime, series_c):
    stale = Company.objects.get(pk=sensetime.pk)
    series_c.raised_amount = 700 * M
    round_save(funding_round=series_c)

    stale.city = "Hong Kong"
    stale.save()

    assert figures_of(sensetime) == (700 * M, 4500 * M)


def test_check_figures_reports_a_company_drift_and_repairs_it(sensetime, series_c):
    Company.objects.filter(pk=sensetime.pk).update(open_total_raised_usd=1)
    FundingRound.objects.filter(pk=series_c.pk).update(held_usd=5)

    with pytest.raises(CommandError, match="1 companies' stored figures differ"):
        call_command("check_figures", stdout=StringIO())
    out = StringIO()
    call_command("check_figures", "--repair", stdout=out)

    # Repairing the round refreshes its company's figures too.
    assert "Repaired the figures of 1 rounds." in out.getvalue()
    assert recount_agrees()
    assert figures_of(sensetime) == (600 * M, 4500 * M)


# Walls


def test_a_confidential_round_counts_only_for_those_who_see_it(
    sensetime, series_c, series_d, alibaba, deal_team_user, superuser
):
    StakeFactory(investor=alibaba, company=sensetime, round=series_d, amount=900 * M)
    outsider = UserFactory(username="outsider")

    assert figures_of(sensetime, deal_team_user) == (1500 * M, 12000 * M)
    assert figures_of(sensetime, superuser) == (1500 * M, 12000 * M)
    assert figures_of(sensetime, outsider) == (600 * M, 4500 * M)
    assert figures_of(sensetime) == (600 * M, 4500 * M)
    stored = Company.objects.values(*COMPANY_FIGURES).get(pk=sensetime.pk)
    assert stored == {
        "all_total_raised_usd": 1500 * M,
        "all_latest_valuation_usd": 12000 * M,
        "open_total_raised_usd": 600 * M,
        "open_latest_valuation_usd": 4500 * M,
    }


def test_walling_a_round_moves_it_out_of_the_open_figures(sensetime, series_c, lotus):
    series_c.confidential = True
    round_save(funding_round=series_c, teams=[lotus])
    assert figures_of(sensetime) == (0, None)

    series_c.confidential = False
    round_save(funding_round=series_c, teams=[])
    assert figures_of(sensetime) == (600 * M, 4500 * M)
    assert recount_agrees()


def test_the_company_list_orders_and_filters_by_figures_each_user_may_see(
    api, sensetime, megvii, series_c, series_d
):
    FundingRoundFactory(
        company=megvii,
        name="Series C",
        raised_amount=460 * M,
        pre_money_valuation=1500 * M,
        post_money_valuation=5000 * M,
    )
    outsider_api = APIClient()
    outsider_api.force_login(
        UserFactory(username="outsider", groups=["Deal team"], is_staff=True)
    )

    def names(client, **params):
        results = client.get(COMPANIES, params).json()["results"]
        return [(row["name"], row["latest_valuation_usd"]) for row in results]

    # The member sees SenseTime's confidential Series D ($12B).
    assert names(api, ordering="-latest_valuation_usd") == [
        ("SenseTime", "12000000000.00"),
        ("Megvii", "5000000000.00"),
    ]
    assert names(api, valuation_min=6000 * M) == [("SenseTime", "12000000000.00")]
    assert names(outsider_api, ordering="-latest_valuation_usd") == [
        ("Megvii", "5000000000.00"),
        ("SenseTime", "4500000000.00"),
    ]
    assert names(outsider_api, valuation_min=6000 * M) == []


def test_a_team_members_company_list_takes_the_same_queries_whatever_its_length(
    api, sensetime, megvii, series_c, series_d, django_assert_num_queries
):
    FundingRoundFactory(company=megvii, name="Series C", raised_amount=460 * M)
    params = {"ordering": "-total_raised_usd"}

    # 1-3. authentication, 4. the confidential rounds the user's teams may
    # see, 5. COUNT(*), 6. the page (the recounted figures are subqueries).
    with django_assert_num_queries(6):
        response = api.get(COMPANIES, {**params, "page_size": 1})
    assert response.json()["count"] == 2
    with django_assert_num_queries(6):
        response = api.get(COMPANIES, {**params, "page_size": 50})
    assert [row["total_raised_usd"] for row in response.json()["results"]] == [
        "600000000.00",
        "460000000.00",
    ]
