import pytest
from django.urls import reverse

from crm.investors.models import Investor
from tests.admin_pages import changelist_url
from tests.factories import InvestorFactory, StakeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, deal_team_user):
    client.force_login(deal_team_user)
    return client


def test_the_duplicates_report_lists_likely_pairs_best_first(client):
    alibaba = InvestorFactory(name="Alibaba Group", website="https://alibaba.com")
    holding = InvestorFactory(
        name="Alibaba Group Holding", website="https://www.alibaba.com/"
    )
    hopu = InvestorFactory(name="HOPU Capital")
    hopu_fund = InvestorFactory(name="HOPU Fund")
    InvestorFactory(name="Tencent")

    response = client.get(reverse("admin:investors_investor_duplicates"))

    pairs = [(a, b, reasons) for a, b, reasons in response.context["pairs"]]
    assert pairs == [
        (alibaba, holding, ["similar name", "same website"]),
        (hopu, hopu_fund, ["similar name"]),
    ]


def test_the_merge_action_asks_for_the_survivor_then_merges(client):
    alibaba = InvestorFactory(name="Alibaba Group", city="Hangzhou")
    holding = InvestorFactory(name="Alibaba Group Holding", city="Beijing")
    StakeFactory(investor=holding)
    selected = {
        "action": "merge_selected",
        "_selected_action": [alibaba.pk, holding.pk],
    }

    choices = client.post(changelist_url(Investor), selected)

    assert choices.status_code == 200
    assert f'name="keep_city" value="{holding.pk}"' in choices.content.decode()

    response = client.post(
        changelist_url(Investor),
        {
            **selected,
            "confirm_merge": "yes",
            "survivor": alibaba.pk,
            "keep_city": holding.pk,
        },
    )

    assert response.status_code == 302
    survivor = Investor.objects.get()
    assert (survivor.name, survivor.city, survivor.aliases) == (
        "Alibaba Group",
        "Beijing",
        ["Alibaba Group Holding"],
    )
    assert survivor.stakes.count() == 1


def test_a_merge_refused_by_a_rule_says_why_and_changes_nothing(client):
    from tests.factories import FundingRoundFactory

    one, two = InvestorFactory(name="One Fund"), InvestorFactory(name="One Funds")
    round_ = FundingRoundFactory()
    StakeFactory(investor=one, company=round_.company, round=round_)
    StakeFactory(investor=two, company=round_.company, round=round_)

    response = client.post(
        changelist_url(Investor),
        {
            "action": "merge_selected",
            "_selected_action": [one.pk, two.pk],
            "confirm_merge": "yes",
            "survivor": one.pk,
        },
        follow=True,
    )

    assert "already has a stake in this round" in response.content.decode()
    assert Investor.objects.count() == 2
