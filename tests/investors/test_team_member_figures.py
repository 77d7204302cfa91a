"""A team member's investor list: the stored figures plus their walled stakes.

For a user in a team with confidential rounds, only the investors with
stakes in those rounds are recounted (InvestorQuerySet.with_figures); every
other row reads its stored columns, and `total_stake_min` also reads the open
total's index. The answers must be those of a recount over the stakes the
member may see.
"""

import datetime
import random
from decimal import Decimal

import pytest

from crm.core.models import Team
from crm.investors.models import Investor
from crm.portfolio.models import FundingRound, Stake
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)
URL = "/api/v1/investors/"


@pytest.fixture
def world(deal_team_user):
    """Eight investors with open stakes, stakes in two confidential rounds of
    the member's team and in one of another team; amounts drawn with a fixed seed.
    """
    rng = random.Random(14)
    lotus = Team.objects.create(name="Project Lotus")
    lotus.members.add(deal_team_user)
    other = Team.objects.create(name="Project Other")
    companies = [CompanyFactory(name=f"Company {n}") for n in range(4)]
    rounds = []
    for n, (company, team) in enumerate(
        [(companies[0], lotus), (companies[1], lotus), (companies[2], other)]
    ):
        secret = FundingRoundFactory(
            company=company, name=f"Secret {n}", confidential=True
        )
        secret.teams.set([team])
        rounds.append(secret)
    rounds.append(FundingRoundFactory(company=companies[3], name="Open round"))
    investors = [InvestorFactory(name=f"Investor {n}") for n in range(8)]
    statuses = [Stake.Status.CLOSED, Stake.Status.COMMITTED, Stake.Status.IN_TALKS]
    for investor in investors:
        for funding_round in rng.sample(rounds, rng.randint(0, 3)):
            StakeFactory(
                investor=investor,
                company=funding_round.company,
                round=funding_round,
                amount=rng.randint(1, 900) * M,
                status=rng.choice(statuses),
            )
        if rng.random() < 0.6:
            StakeFactory(
                investor=investor,
                company=rng.choice(companies),
                amount=rng.randint(1, 900) * M,
                as_of=datetime.date(2019, 1, 1),
            )
    return investors


def recounted(user):
    """{investor id: (total, largest, companies held)} over the stakes `user` sees."""
    rows = {
        pk: [Decimal(0), None, set()]
        for pk in Investor.objects.values_list("pk", flat=True)
    }
    for stake in Stake.objects.visible_to(user).held():
        row = rows[stake.investor_id]
        row[0] += stake.amount_usd
        row[1] = stake.amount_usd if row[1] is None else max(row[1], stake.amount_usd)
        row[2].add(stake.company_id)
    return {
        pk: (total, largest, len(held)) for pk, (total, largest, held) in rows.items()
    }


def listed(api, **params):
    results = api.get(URL, {"page_size": 100, **params}).json()["results"]
    return [
        (
            row["id"],
            Decimal(row["total_stake_usd"]),
            None
            if row["largest_stake_usd"] is None
            else Decimal(row["largest_stake_usd"]),
            row["portfolio_count"],
        )
        for row in results
    ]


def test_the_world_has_walled_stakes_the_member_sees_and_others_they_do_not(
    world, deal_team_user
):
    member_rounds = FundingRound.objects.visible_to(deal_team_user).filter(
        confidential=True
    )
    assert Stake.objects.held().filter(round__in=member_rounds).count() >= 3
    assert (
        Stake.objects.held()
        .filter(round__confidential=True)
        .exclude(round__in=member_rounds)
        .exists()
    )


@pytest.mark.parametrize(
    "order", ["-total_stake_usd", "-largest_stake_usd", "total_stake_usd"]
)
def test_a_members_order_by_figures_matches_a_recount(
    api, world, deal_team_user, order
):
    truth = recounted(deal_team_user)
    field = {"total_stake_usd": 0, "largest_stake_usd": 1}[order.lstrip("-")]
    descending = order.startswith("-")

    rows = listed(api, ordering=order)

    assert [row[1:] for row in rows] == [truth[row[0]] for row in rows]
    values = [row[1 + field] for row in rows if row[1 + field] is not None]
    assert values == sorted(values, reverse=descending)
    assert {row[0] for row in rows} == set(truth)


@pytest.mark.parametrize("minimum", [1, 300, 900, 1500])
def test_a_members_total_stake_min_matches_a_recount(
    api, world, deal_team_user, minimum
):
    truth = recounted(deal_team_user)

    rows = listed(api, total_stake_min=minimum * M, ordering="name")

    assert {row[0] for row in rows} == {
        pk for pk, (total, _, _) in truth.items() if total >= minimum * M
    }


def test_the_other_users_see_their_own_recount(world, superuser):
    outsider = UserFactory(username="outsider")

    for user in (outsider, superuser, None):
        truth = recounted(user)
        rows = Investor.objects.with_figures(user).stake_total_at_least(0, user)
        assert {
            row.pk: (row.total_stake_usd, row.largest_stake_usd, row.portfolio_count)
            for row in rows
        } == truth


def test_a_members_ordered_and_filtered_list_takes_the_same_queries_whatever_its_length(
    api, world, django_assert_num_queries
):
    params = {"ordering": "-largest_stake_usd", "total_stake_min": 1}

    # 1-3. authentication, 4. the confidential rounds the user's teams may
    # see, 5. COUNT(*), 6. the page (walled figures are subqueries), 7. the
    # focus sectors.
    with django_assert_num_queries(7):
        api.get(URL, {**params, "page_size": 1})
    with django_assert_num_queries(7):
        response = api.get(URL, {**params, "page_size": 50})
    assert len(response.json()["results"]) >= 2
