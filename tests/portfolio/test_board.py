"""A round's fundraising board and the Fundraising page, through the admin."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.core.models import Team
from crm.core.services import record_save
from crm.core.versions import record_version
from crm.investors.models import Investor
from crm.portfolio.models import FundingRound, Stake
from tests.accounts.test_content_security_policy import inline_code
from tests.admin_pages import change_url, changelist_url
from tests.factories import (
    CompanyFactory,
    ExchangeRateFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)


def board_url(round_):
    return reverse("admin:portfolio_fundinground_board", args=[round_.pk])


def move_url(round_):
    return reverse("admin:portfolio_fundinground_board_move", args=[round_.pk])


def add_url(round_):
    return reverse("admin:portfolio_fundinground_board_add", args=[round_.pk])


FUNDRAISING_URL = "/admin/portfolio/fundinground/fundraising/"


@pytest.fixture
def deal_client(client, deal_team_user):
    client.force_login(deal_team_user)
    return client


@pytest.fixture
def series_d(deal_team_user):
    """SenseTime's open Series D: a $1B target and one investor in each column."""
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 6, 1),
    )
    round_ = FundingRoundFactory(
        company=CompanyFactory(name="SenseTime"),
        name="Series D",
        status=FundingRound.Status.OPEN,
        target_amount=1000 * M,
        announced_on=datetime.date(2018, 7, 1),
    )

    def stake(name, status, amount, **values):
        investor = InvestorFactory(name=name, owner=deal_team_user)
        return StakeFactory(
            investor=investor,
            company=round_.company,
            round=round_,
            status=status,
            amount=amount,
            as_of=datetime.date(2018, 7, 1),
            **values,
        )

    return {
        "round": round_,
        "prospect": stake("Temasek", Stake.Status.PROSPECT, 100 * M),
        "in_talks": stake("Fidelity International", Stake.Status.IN_TALKS, 400 * M),
        # CNY 2B at 0.15: $300M.
        "committed": stake(
            "Alibaba Group",
            Stake.Status.COMMITTED,
            2000 * M,
            currency="CNY",
            is_lead=True,
        ),
        "closed": stake("Silver Lake Partners", Stake.Status.CLOSED, 200 * M),
        "declined": stake("HOPU Capital", Stake.Status.DECLINED, 50 * M),
    }


def cards(response):
    """{column status: [investor names]} as the board shows them."""
    return {
        column.status: [str(stake.investor) for stake in column.cards]
        for column in response.context["columns"]
    }


def test_the_board_shows_a_column_per_status_with_cards_and_usd_totals(
    deal_client, series_d
):
    InteractionFactory(
        investor=series_d["in_talks"].investor,
        occurred_at=datetime.datetime(2018, 7, 3, 9, tzinfo=datetime.UTC),
        follow_up_on=datetime.date(2018, 7, 10),
    )

    response = deal_client.get(board_url(series_d["round"]))

    assert response.status_code == 200
    assert cards(response) == {
        "prospect": ["Temasek"],
        "in_talks": ["Fidelity International"],
        "committed": ["Alibaba Group"],
        "closed": ["Silver Lake Partners"],
        "declined": ["HOPU Capital"],
    }
    assert [column.total_usd for column in response.context["columns"]] == [
        100 * M,
        400 * M,
        300 * M,
        200 * M,
        50 * M,
    ]
    text = response.text
    # Held is committed + closed: $500M of the $1B target.
    assert "<strong>50%</strong> of USD 1,000,000,000" in text
    assert "held (committed + closed) USD 500,000,000" in text
    assert "in talks USD 400,000,000" in text
    assert "pipeline (prospect + in talks) USD 500,000,000" in text
    # The committed card: both currencies and the lead flag.
    assert "CNY 2,000,000,000 (USD 300,000,000)" in text
    assert '<span class="crm-lead">Lead</span>' in text
    # Fidelity's card: its owner, last contact and next follow-up.
    assert "<dd>2018-07-03</dd>" in text
    assert "<dd>2018-07-10</dd>" in text
    assert "<dd>deal</dd>" in text
    assert response.context["can_move"] is True


def test_the_board_has_no_inline_code_for_the_content_security_policy(
    deal_client, series_d
):
    parsed = inline_code(deal_client.get(board_url(series_d["round"])))

    assert parsed.blocks == []
    assert parsed.attributes == []


def test_the_rounds_page_and_list_link_to_the_board(deal_client, series_d):
    round_ = series_d["round"]

    assert board_url(round_) in deal_client.get(change_url(round_)).text
    listing = deal_client.get(changelist_url(FundingRound)).text
    assert board_url(round_) in listing
    assert FUNDRAISING_URL in listing


def test_moving_a_card_saves_the_stake_records_history_and_refreshes_figures(
    deal_client, deal_team_user, series_d
):
    stake = series_d["in_talks"]
    # In talks: pipeline, not held (Stake.HELD).
    assert Investor.objects.get(pk=stake.investor_id).open_pipeline_usd == 400 * M

    response = deal_client.post(
        move_url(series_d["round"]),
        {"stake": stake.pk, "version": record_version(stake), "status": "declined"},
        follow=True,
    )

    assert response.redirect_chain == [(board_url(series_d["round"]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Fidelity International moved to Declined."
    ]
    stake.refresh_from_db()
    assert stake.status == Stake.Status.DECLINED
    latest = stake.history.first()
    assert (latest.status, latest.history_user) == ("declined", deal_team_user)
    # A declined stake counts in no figure: the investor's stored ones say so.
    investor = Investor.objects.get(pk=stake.investor_id)
    assert (investor.open_pipeline_usd, investor.open_stake_total_usd) == (0, 0)
    # Largest first within a column.
    assert cards(response)["declined"] == ["Fidelity International", "HOPU Capital"]


def test_a_card_moved_by_someone_else_since_the_board_opened_is_refused(
    deal_client, series_d
):
    stake = series_d["prospect"]
    opened = record_version(stake)
    other = Stake.objects.get(pk=stake.pk)
    other.status = Stake.Status.DECLINED
    saved = record_save(instance=other)

    response = deal_client.post(
        move_url(series_d["round"]),
        {"stake": stake.pk, "version": opened, "status": "in_talks"},
        follow=True,
    )

    at = timezone.localtime(saved.updated_at)
    assert [str(m) for m in response.context["messages"]] == [
        f"Someone else saved this stake at {at:%H:%M} since you opened it. The "
        "board now shows their change: move the card again if you still mean to."
    ]
    assert Stake.objects.get(pk=stake.pk).status == Stake.Status.DECLINED


def test_an_analyst_sees_the_board_but_cannot_move_or_add(
    client, analyst_user, series_d
):
    client.force_login(analyst_user)
    stake = series_d["prospect"]

    board = client.get(board_url(series_d["round"]))
    moved = client.post(
        move_url(series_d["round"]),
        {"stake": stake.pk, "version": record_version(stake), "status": "closed"},
    )
    added = client.post(add_url(series_d["round"]), {"investor": stake.investor_id})

    assert board.status_code == 200
    assert board.context["can_move"] is False
    assert 'class="crm-card-move"' not in board.text
    assert 'class="crm-board-add"' not in board.text
    assert (moved.status_code, added.status_code) == (403, 403)
    assert Stake.objects.get(pk=stake.pk).status == Stake.Status.PROSPECT


def test_adding_an_investor_puts_it_in_the_pipeline_as_a_prospect(
    deal_client, series_d
):
    newcomer = InvestorFactory(name="SoftBank Vision Fund")
    round_ = series_d["round"]

    first = deal_client.post(add_url(round_), {"investor": newcomer.pk}, follow=True)
    again = deal_client.post(add_url(round_), {"investor": newcomer.pk}, follow=True)

    stake = Stake.objects.get(investor=newcomer)
    assert (stake.round, stake.company, stake.status, stake.currency) == (
        round_,
        round_.company,
        Stake.Status.PROSPECT,
        "USD",
    )
    assert cards(first)["prospect"] == ["Temasek", "SoftBank Vision Fund"]
    assert [str(m) for m in first.context["messages"]] == [
        "SoftBank Vision Fund added to the pipeline as a prospect."
    ]
    assert [str(m) for m in again.context["messages"]] == [
        "This investor already has a stake in this round."
    ]
    # The board offers the admin's investor autocomplete.
    assert 'data-model-name="stake" data-field-name="investor"' in first.text


def test_a_confidential_round_is_not_found_on_the_board_or_the_fundraising_page(
    client, deal_team_user, series_d
):
    member = UserFactory(username="member", groups=["Deal team"], is_staff=True)
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    secret = FundingRoundFactory(
        company=series_d["round"].company,
        name="Series E",
        status=FundingRound.Status.OPEN,
        confidential=True,
    )
    secret.teams.set([team])
    stake = StakeFactory(
        investor=series_d["prospect"].investor, company=secret.company, round=secret
    )

    client.force_login(deal_team_user)
    outsider_board = client.get(board_url(secret))
    outsider_move = client.post(
        move_url(secret),
        {"stake": stake.pk, "version": record_version(stake), "status": "closed"},
    )
    outsider_rounds = client.get(FUNDRAISING_URL).context["rounds"]
    client.force_login(member)
    member_board = client.get(board_url(secret))
    member_rounds = client.get(FUNDRAISING_URL).context["rounds"]

    assert (outsider_board.status_code, outsider_move.status_code) == (404, 404)
    assert list(outsider_rounds) == [series_d["round"]]
    assert member_board.status_code == 200
    assert cards(member_board)["closed"] == ["Temasek"]
    assert set(member_rounds) == {series_d["round"], secret}


def test_the_fundraising_page_lists_open_and_planned_rounds_with_progress(
    deal_client, series_d
):
    planned = FundingRoundFactory(
        company=series_d["round"].company,
        name="Series E",
        status=FundingRound.Status.PLANNED,
    )
    FundingRoundFactory(company=planned.company, name="Series B")  # closed

    response = deal_client.get(FUNDRAISING_URL)

    rounds = list(response.context["rounds"])
    assert rounds == [series_d["round"], planned]
    assert [(r.held_usd, r.in_talks_usd) for r in rounds] == [
        (500 * M, 400 * M),
        (0, 0),
    ]
    assert '<progress max="100" value="50"' in response.text
    assert "No target" in response.text


def test_the_board_runs_the_same_queries_for_5_and_10_investors(
    deal_client, series_d, django_assert_num_queries
):
    round_ = series_d["round"]
    # 1 session, 2 user, 3 the confidential rounds the user's teams see
    # (crm.portfolio.walls), 4 the round with its company and progress
    # subqueries, 5-6 the user's and its groups' permissions (view round),
    # 7 the stakes with their investors, owners, last contacts and next
    # follow-ups.
    expected_queries = 7

    with django_assert_num_queries(expected_queries):
        response = deal_client.get(board_url(round_))
    assert sum(len(column.cards) for column in response.context["columns"]) == 5

    for status in Stake.Status.PROSPECT, Stake.Status.CLOSED:
        for _ in range(2):
            investor = InvestorFactory(owner=UserFactory())
            StakeFactory(
                investor=investor, company=round_.company, round=round_, status=status
            )
            InteractionFactory(
                investor=investor, follow_up_on=datetime.date(2018, 8, 1)
            )
    StakeFactory(company=round_.company, round=round_, status=Stake.Status.IN_TALKS)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(board_url(round_))
    assert sum(len(column.cards) for column in response.context["columns"]) == 10


def test_the_fundraising_page_runs_the_same_queries_for_1_and_3_rounds(
    deal_client, series_d, django_assert_num_queries
):
    # 1 session, 2 user, 3-4 the user's and its groups' permissions, 5 the
    # confidential rounds the user's teams see, 6 the open and planned rounds
    # with their companies and progress subqueries.
    expected_queries = 6

    with django_assert_num_queries(expected_queries):
        response = deal_client.get(FUNDRAISING_URL)
    assert len(response.context["rounds"]) == 1

    for _ in range(2):
        round_ = FundingRoundFactory(status=FundingRound.Status.PLANNED)
        StakeFactory(company=round_.company, round=round_)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(FUNDRAISING_URL)
    assert len(response.context["rounds"]) == 3
    assert inline_code(response).attributes == []
