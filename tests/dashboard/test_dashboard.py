"""The admin's index as the logged-in user's dashboard."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.core.models import Team
from crm.investors.models import Investor
from crm.portfolio.models import FundingRound, Stake
from tests.accounts.test_content_security_policy import inline_code
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)
INDEX = "/admin/"


@pytest.fixture
def member():
    """A deal-team member in the team of the confidential round."""
    return UserFactory(username="member", groups=["Deal team"], is_staff=True)


@pytest.fixture
def outsider():
    return UserFactory(username="outsider", groups=["Deal team"], is_staff=True)


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def world(member, outsider):
    """Two open rounds, one confidential; held and pipeline stakes; recent contacts."""
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    vision = SectorFactory(name="Computer vision", slug="computer-vision")
    fintech = SectorFactory(name="Fintech", slug="fintech")
    sensetime = CompanyFactory(name="SenseTime", sector=vision)
    stripe = CompanyFactory(name="Stripe", sector=fintech)
    alibaba = InvestorFactory(name="Alibaba Group", country="CN", owner=outsider)
    fidelity = InvestorFactory(
        name="Fidelity International", country="GB", owner=member
    )
    series_d = FundingRoundFactory(
        company=sensetime,
        name="Series D",
        status=FundingRound.Status.OPEN,
        target_amount=1000 * M,
    )
    secret = FundingRoundFactory(
        company=stripe,
        name="Series F",
        status=FundingRound.Status.OPEN,
        target_amount=2000 * M,
        confidential=True,
    )
    secret.teams.set([team])
    FundingRoundFactory(company=sensetime, name="Series C")  # closed: not open

    def stake(investor, round_, status, amount):
        return StakeFactory(
            investor=investor,
            company=round_.company,
            round=round_,
            status=status,
            amount=amount,
        )

    stake(alibaba, series_d, Stake.Status.COMMITTED, 300 * M)
    stake(fidelity, series_d, Stake.Status.IN_TALKS, 400 * M)
    stake(fidelity, secret, Stake.Status.CLOSED, 700 * M)
    stake(alibaba, secret, Stake.Status.PROSPECT, 90 * M)
    for logged_by, days in [(member, 1), (member, 8), (outsider, 1), (outsider, 30)]:
        InteractionFactory(
            investor=alibaba, logged_by=logged_by, occurred_at=days_ago(days)
        )
    # A contact about the confidential round: counted for its team only.
    InteractionFactory(
        investor=fidelity, round=secret, logged_by=member, occurred_at=days_ago(2)
    )
    return {"series_d": series_d, "secret": secret, "alibaba": alibaba}


def dashboard(client, user):
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    return response


def chart_data(response):
    """The charts' figures as the page hands them to dashboard.js."""
    match = re.search(
        r'<script id="crm-dashboard-charts" type="application/json">(.*?)</script>',
        response.text,
        re.S,
    )
    return {chart["key"]: chart for chart in json.loads(match[1])}


def bars(chart):
    return dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True))


def test_held_capital_counts_committed_and_closed_stakes_the_user_may_see(
    client, world, member, outsider
):
    seen_by_member = chart_data(dashboard(client, member))
    seen_by_outsider = chart_data(dashboard(client, outsider))

    # The member sees Fidelity's $700M in the confidential round; nobody's
    # pipeline (in talks, prospect) is held capital.
    assert bars(seen_by_member["held-by-country"]) == {
        "United Kingdom": "700000000.00",
        "China": "300000000.00",
    }
    assert bars(seen_by_member["held-by-sector"]) == {
        "Fintech": "700000000.00",
        "Computer vision": "300000000.00",
    }
    assert bars(seen_by_outsider["held-by-country"]) == {"China": "300000000.00"}
    assert bars(seen_by_outsider["held-by-sector"]) == {
        "Computer vision": "300000000.00"
    }


def test_the_pipeline_chart_adds_up_open_rounds_by_stake_status(
    client, world, member, outsider
):
    assert bars(chart_data(dashboard(client, member))["pipeline-by-status"]) == {
        "Prospect": "90000000.00",
        "In talks": "400000000.00",
        "Committed": "300000000.00",
        "Closed": "700000000.00",
        "Declined": "0.00",
    }
    assert bars(chart_data(dashboard(client, outsider))["pipeline-by-status"]) == {
        "Prospect": "0.00",
        "In talks": "400000000.00",
        "Committed": "300000000.00",
        "Closed": "0.00",
        "Declined": "0.00",
    }


def test_contacts_per_week_has_a_line_per_person_over_12_weeks(
    client, world, member, outsider
):
    def weekly(user):
        chart = chart_data(dashboard(client, user))["contacts-per-week"]
        assert len(chart["labels"]) == 12
        return {line["label"]: sum(line["data"]) for line in chart["datasets"]}

    # The member's contact about the confidential round counts for them only.
    assert weekly(member) == {"member": 3, "outsider": 2}
    assert weekly(outsider) == {"member": 2, "outsider": 2}


def test_the_weeks_run_up_to_this_one_and_count_each_contact_in_its_week(
    client, member
):
    investor = InvestorFactory()
    InteractionFactory(investor=investor, logged_by=member, occurred_at=timezone.now())
    InteractionFactory(investor=investor, logged_by=member, occurred_at=days_ago(7))
    InteractionFactory(investor=investor, logged_by=member, occurred_at=days_ago(120))

    chart = chart_data(dashboard(client, member))["contacts-per-week"]

    today = timezone.localdate()
    assert (
        chart["labels"][-1]
        == (today - datetime.timedelta(days=today.weekday())).isoformat()
    )
    assert chart["datasets"] == [{"label": "member", "data": [0] * 10 + [1, 1]}]


def test_my_follow_ups_list_those_due_and_overdue_on_contacts_i_logged(
    client, member, outsider
):
    today = timezone.localdate()
    investor = InvestorFactory(name="Temasek")

    def follow_up(summary, days, logged_by=member, **values):
        return InteractionFactory(
            investor=investor,
            summary=summary,
            logged_by=logged_by,
            follow_up_on=today + datetime.timedelta(days=days),
            **values,
        )

    overdue = follow_up("Send the deck", -3)
    due = follow_up("Call back", 0)
    follow_up("Later", 5)
    follow_up("Done already", -1, follow_up_done=True)
    follow_up("Someone else's", -1, logged_by=outsider)

    response = dashboard(client, member)

    assert response.context["dashboard"]["follow_ups"] == [overdue, due]
    assert '<span class="crm-overdue">Overdue</span>' in response.text
    assert "Temasek: Send the deck" in response.text


def test_my_open_rounds_are_those_with_an_investor_i_own_with_their_progress(
    client, world, member, outsider
):
    member_rounds = dashboard(client, member).context["dashboard"]["rounds"]
    outsider_page = dashboard(client, outsider)

    # Fidelity (owned by the member) is in both open rounds.
    assert {r.name: (r.held_usd, r.in_talks_usd) for r in member_rounds} == {
        "Series D": (300 * M, 400 * M),
        "Series F": (700 * M, 0),
    }
    assert outsider_page.context["dashboard"]["rounds"] == [world["series_d"]]
    assert "<strong>30%</strong> of USD 1,000,000,000" in outsider_page.text
    assert "Series F" not in outsider_page.text


def test_the_going_cold_block_lists_my_investors_past_their_cadence(
    client, world, outsider
):
    # Alibaba (contacted yesterday) is warm; HOPU, never contacted, is cold.
    Investor.objects.filter(pk=world["alibaba"].pk).update(contact_cadence_days=30)
    hopu = InvestorFactory(name="HOPU Capital", owner=outsider)
    Investor.objects.filter(pk=hopu.pk).update(contact_cadence_days=30)

    response = dashboard(client, outsider)

    assert "My investors going cold" in response.text
    assert [
        investor.pk for investor in response.context["dashboard"]["going_cold"]
    ] == [hopu.pk]


def test_a_user_without_view_permissions_gets_no_dashboard_blocks(client):
    nobody = UserFactory(username="nobody", is_staff=True)

    response = dashboard(client, nobody)

    assert response.context["dashboard"]["charts"] == []
    assert "crm-dashboard-charts" not in response.text
    assert "chart.umd.min.js" not in response.text
    assert "My follow-ups due" not in response.text


def test_the_dashboard_has_no_inline_script_and_loads_the_vendored_chart_library(
    client, world, member
):
    response = dashboard(client, member)

    parsed = inline_code(response)
    assert parsed.blocks == []
    assert parsed.attributes == []
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer>' in (
        response.text
    )
    assert '<script src="/static/dashboard.js" defer>' in response.text
    # The app list stays below the dashboard.
    assert "/admin/investors/investor/" in response.text


def test_the_dashboard_runs_the_same_queries_however_many_rows(
    client, world, member, django_assert_num_queries
):
    client.force_login(member)
    # 1 session, 2 user, 3-4 the user's and its groups' permissions, 5 the
    # confidential rounds the user's teams see (crm.portfolio.walls), 6 held
    # by country, 7 held by sector, 8 pipeline by status, 9 contacts per week,
    # 10 my follow-ups, 11 my investors going cold, 12 my open rounds with
    # their progress, 13 the admin's "Recent actions".
    expected_queries = 13

    with django_assert_num_queries(expected_queries):
        client.get(INDEX)

    today = timezone.localdate()
    for _ in range(2):
        investor = InvestorFactory(owner=member, country="JP")
        round_ = FundingRoundFactory(
            company=CompanyFactory(sector=SectorFactory()),
            status=FundingRound.Status.OPEN,
        )
        StakeFactory(investor=investor, company=round_.company, round=round_)
        InteractionFactory(
            investor=investor,
            logged_by=UserFactory(),
            occurred_at=days_ago(3),
        )
        InteractionFactory(
            investor=investor,
            logged_by=member,
            follow_up_on=today,
            occurred_at=days_ago(9),
        )
    with django_assert_num_queries(expected_queries):
        response = client.get(INDEX)
    assert len(response.context["dashboard"]["follow_ups"]) == 2
    assert len(response.context["dashboard"]["rounds"]) == 4
