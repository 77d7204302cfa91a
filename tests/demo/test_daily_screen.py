"""What the demo login sees on a fresh `make run`: every daily-screen feature at work."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from crm.dashboard.figures import dashboard_for
from crm.demo.loading import load_demo_data, load_demo_login_data
from crm.investors.models import Investor
from crm.portfolio.admin_board import board_stakes, columns_of
from crm.portfolio.models import FundingRound
from crm.search.search import kinds_for, search

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)


@pytest.fixture
def demo(make_run):
    return get_user_model().objects.get(username="demo")


@pytest.fixture
def demo_client(client, demo):
    client.force_login(demo)
    return client


def series_d():
    return FundingRound.objects.get(company__name="SenseTime", name="Series D")


def test_the_dashboard_lists_the_demo_logins_follow_ups_due_and_overdue(demo):
    dashboard = dashboard_for(demo)

    assert [
        (interaction.summary, interaction.follow_up_on)
        for interaction in dashboard["follow_ups"]
    ] == [
        (
            "Oliver Grant asks for the board-observer terms",
            timezone.localdate() - datetime.timedelta(days=2),
        ),
        ("Fidelity wants the latest revenue split", timezone.localdate()),
    ]


def test_two_of_the_demo_logins_investors_are_going_cold(demo):
    # Qualcomm Ventures was never contacted; CDH last in February 2018.
    # SoftBank and HOPU were contacted within their 30 days.
    cold = dashboard_for(demo)["going_cold"]

    assert [investor.name for investor in cold] == [
        "Qualcomm Ventures",
        "CDH Investments",
    ]
    assert set(Investor.objects.filter(owner=demo).values_list("name", flat=True)) == {
        "SoftBank Vision Fund",
        "HOPU Capital",
        "Qualcomm Ventures",
        "CDH Investments",
    }


def test_the_api_lists_the_same_investors_going_cold(demo):
    api = APIClient()
    api.force_authenticate(demo)

    response = api.get("/api/v1/investors/", {"going_cold": "true"})

    assert [row["name"] for row in response.json()["results"]] == [
        "Qualcomm Ventures",
        "CDH Investments",
    ]


def test_the_open_series_d_shows_its_progress_on_the_dashboard(demo):
    (round_,) = dashboard_for(demo)["rounds"]

    assert str(round_) == "SenseTime Series D"
    # Held: Alibaba's $200M committed and HOPU's $100M closed, of $2B.
    assert round_.held_usd == 300 * M
    assert round_.in_talks_usd == 950 * M


def test_the_series_d_board_has_an_investor_in_every_column(demo):
    columns = columns_of(board_stakes(series_d(), demo))

    assert {
        column.label: [card.investor.name for card in column.cards]
        for column in columns
    } == {
        "Prospect": ["Fidelity International", "Qualcomm Ventures"],
        "In talks": ["SoftBank Vision Fund"],
        "Committed": ["Alibaba Group"],
        "Closed": ["HOPU Capital"],
        "Declined": ["Silver Lake Partners"],
    }
    assert [column.total_usd for column in columns] == [
        100 * M,
        950 * M,
        200 * M,
        100 * M,
        150 * M,
    ]


def test_the_board_page_shows_every_card(demo_client):
    response = demo_client.get(
        reverse("admin:portfolio_fundinground_board", args=[series_d().pk])
    )

    assert response.status_code == 200
    assert [len(column.cards) for column in response.context["columns"]] == [
        2,
        1,
        1,
        1,
        1,
    ]


def test_every_chart_has_figures(demo):
    charts = {chart["key"]: chart for chart in dashboard_for(demo)["chart_data"]}

    assert set(charts) == {
        "held-by-country",
        "held-by-sector",
        "pipeline-by-status",
        "contacts-per-week",
    }
    assert charts["pipeline-by-status"]["datasets"][0]["data"] == [
        "100000000.00",
        "950000000.00",
        "200000000.00",
        "100000000.00",
        "150000000.00",
    ]
    for key in ("held-by-country", "held-by-sector"):
        assert charts[key]["labels"], key


def test_the_contacts_chart_has_a_line_per_team_member_over_12_weeks(demo):
    chart = dashboard_for(demo)["chart_data"][-1]

    assert chart["key"] == "contacts-per-week"
    assert len(chart["labels"]) == 12
    per_member = {dataset["label"]: dataset["data"] for dataset in chart["datasets"]}
    assert {name: sum(weeks) for name, weeks in per_member.items()} == {
        "ana.lima": 8,
        "ben.okafor": 6,
        "demo": 6,
    }
    # Spread over the weeks, not piled on one.
    for weeks in per_member.values():
        assert sum(1 for count in weeks if count) >= 4


def test_the_dashboard_page_carries_every_block_and_chart(demo_client):
    response = demo_client.get("/admin/")

    assert response.status_code == 200
    for block in ("crm-my-follow-ups", "crm-going-cold", "crm-my-rounds"):
        assert f'id="{block}"' in response.text
    assert "Qualcomm Ventures" in response.text
    assert response.text.count("<canvas data-chart=") == 4
    charts = json.loads(
        re.search(
            r'<script id="crm-dashboard-charts" type="application/json">(.*?)</script>',
            response.text,
            re.S,
        ).group(1)
    )
    assert len(charts) == 4


@pytest.mark.parametrize(
    ("query", "kind", "title"),
    [
        ("商汤", "company", "SenseTime"),
        ("Face++", "company", "Megvii"),
        ("旷视", "company", "Megvii"),
        ("oliver", "contact", "Oliver Grant"),
    ],
)
def test_the_search_box_finds_the_demo_records(demo, query, kind, title):
    found = search(demo, query, kinds=kinds_for(demo), limit=5)

    best = {
        kind.name: [result.title for result in results]
        for kind, results in found.items()
    }
    assert best[kind][0] == title


def test_a_day_later_nothing_goes_stale(demo):
    # Loaded again tomorrow, the contacts move along with the dates: the
    # dashboard still has follow-ups due, investors going cold and contacts
    # in the chart's last weeks.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    load_demo_data(today=tomorrow)
    load_demo_login_data(demo, today=tomorrow)

    dashboard = dashboard_for(demo, today=tomorrow)

    assert len(dashboard["follow_ups"]) == 2
    assert [investor.name for investor in dashboard["going_cold"]] == [
        "Qualcomm Ventures",
        "CDH Investments",
    ]
    contacts = dashboard["chart_data"][-1]
    assert sum(sum(dataset["data"]) for dataset in contacts["datasets"]) == 20
