"""Keep in touch: investors I own that are past their contact cadence."""

import datetime

import pytest
from django.utils import timezone

from crm.core.models import Team
from crm.investors.models import Investor
from tests.admin_pages import change_url, changelist_url, listed, management_form
from tests.api_pages import field_errors
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/investors/"
DAY = datetime.timedelta(days=1)


def days_ago(days):
    return timezone.now() - days * DAY


def names(investors):
    return [investor.name for investor in investors]


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", groups=["Deal team"], is_staff=True)


@pytest.fixture
def book(deal_team_user, colleague):
    """The deal team member's investors, and one of a colleague's."""

    def investor(name, cadence, last_contact=None, owner=deal_team_user):
        investor = InvestorFactory(name=name, owner=owner, contact_cadence_days=cadence)
        if last_contact is not None:
            InteractionFactory(investor=investor, occurred_at=days_ago(last_contact))
        return investor

    investor("Alibaba Group", 90, last_contact=120)
    investor("Fidelity International", 30, last_contact=45)
    investor("HOPU Capital", 90, last_contact=10)  # warm
    investor("Silver Lake Partners", 60)  # never contacted
    investor("CDH Investments", None, last_contact=400)  # no cadence
    investor("SoftBank Vision Fund", 30, last_contact=200, owner=colleague)


def test_going_cold_lists_my_investors_past_their_cadence_the_longest_silent_first(
    book, deal_team_user
):
    assert names(Investor.objects.going_cold(deal_team_user)) == [
        "Silver Lake Partners",
        "Alibaba Group",
        "Fidelity International",
    ]


def test_each_owner_has_their_own_investors_going_cold(book, colleague):
    assert names(Investor.objects.going_cold(colleague)) == ["SoftBank Vision Fund"]


def test_an_investor_contacted_on_the_day_its_cadence_ends_is_still_warm(
    deal_team_user,
):
    now = timezone.now()
    investor = InvestorFactory(owner=deal_team_user, contact_cadence_days=30)
    InteractionFactory(investor=investor, occurred_at=now - 30 * DAY)

    assert names(Investor.objects.going_cold(deal_team_user, now=now)) == []
    assert names(
        Investor.objects.going_cold(deal_team_user, now=now + datetime.timedelta(0, 1))
    ) == [investor.name]


def test_a_contact_behind_a_wall_does_not_warm_an_investor_for_an_outsider(
    deal_team_user, colleague
):
    team = Team.objects.create(name="Project Sun")
    team.members.add(colleague)
    secret = FundingRoundFactory(
        company=CompanyFactory(name="SenseTime"), name="Series D", confidential=True
    )
    secret.teams.set([team])
    investor = InvestorFactory(
        name="SoftBank Vision Fund", owner=deal_team_user, contact_cadence_days=30
    )
    InteractionFactory(
        investor=investor,
        occurred_at=days_ago(2),
        company=secret.company,
        round=secret,
        logged_by=colleague,
    )
    Investor.objects.filter(pk=investor.pk).update(owner=colleague)

    assert names(Investor.objects.going_cold(colleague)) == []
    Investor.objects.filter(pk=investor.pk).update(owner=deal_team_user)
    # The outsider sees no contact at all: never contacted, so going cold.
    cold = Investor.objects.going_cold(deal_team_user)
    assert names(cold) == ["SoftBank Vision Fund"]
    assert cold[0].last_interaction_at is None


# Admin


@pytest.fixture
def deal_client(client, deal_team_user):
    client.force_login(deal_team_user)
    return client


def test_the_investor_list_filters_my_investors_going_cold(deal_client, book):
    response = deal_client.get(
        changelist_url(Investor), {"keep_in_touch": "going_cold"}
    )

    assert names(listed(response)) == [
        "Silver Lake Partners",
        "Alibaba Group",
        "Fidelity International",
    ]
    assert 'href="?keep_in_touch=going_cold"' in response.text
    assert "Going cold — mine" in response.text


def test_a_column_click_reorders_the_investors_going_cold(deal_client, book):
    columns = deal_client.get(changelist_url(Investor)).context["cl"].list_display
    by_name = columns.index("name")

    response = deal_client.get(
        changelist_url(Investor), {"keep_in_touch": "going_cold", "o": by_name}
    )

    assert names(listed(response)) == [
        "Alibaba Group",
        "Fidelity International",
        "Silver Lake Partners",
    ]


def test_the_investor_form_sets_the_cadence(deal_client, deal_team_user):
    investor = InvestorFactory(name="Alibaba Group", owner=deal_team_user)

    page = deal_client.get(change_url(investor))
    response = deal_client.post(
        change_url(investor),
        {
            "name": investor.name,
            "kind": investor.kind,
            "country": investor.country.code,
            "owner": deal_team_user.pk,
            "contact_cadence_days": "90",
            **management_form("contacts"),
            **management_form("stakes"),
        },
    )

    assert "Keep in touch every (days)" in page.text
    assert response.status_code == 302
    investor.refresh_from_db()
    assert investor.contact_cadence_days == 90


# API


def test_the_api_lists_my_investors_going_cold(api, book):
    response = api.get(URL, {"going_cold": "true"})

    assert response.status_code == 200
    assert [investor["name"] for investor in response.json()["results"]] == [
        "Silver Lake Partners",
        "Alibaba Group",
        "Fidelity International",
    ]
    assert response.json()["results"][0]["contact_cadence_days"] == 60


def test_the_api_lists_every_other_investor_for_false(api, book):
    response = api.get(URL, {"going_cold": "false"})

    assert [investor["name"] for investor in response.json()["results"]] == [
        "CDH Investments",
        "HOPU Capital",
        "SoftBank Vision Fund",
    ]


def test_an_explicit_ordering_wins_over_the_longest_silent_first(api, book):
    response = api.get(URL, {"going_cold": "true", "ordering": "-name"})

    assert [investor["name"] for investor in response.json()["results"]] == [
        "Silver Lake Partners",
        "Fidelity International",
        "Alibaba Group",
    ]


def test_a_going_cold_that_is_not_a_boolean_is_a_400(api):
    response = api.get(URL, {"going_cold": "maybe"})

    assert response.status_code == 400
    assert "going_cold" in field_errors(response)


def test_the_api_sets_a_cadence(api, deal_team_user):
    investor = InvestorFactory(owner=deal_team_user)

    response = api.patch(
        f"{URL}{investor.pk}/", {"contact_cadence_days": 45}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["contact_cadence_days"] == 45


def test_the_going_cold_list_takes_the_same_queries_whatever_its_length(
    api, deal_team_user, django_assert_num_queries
):
    def investors_going_cold(count):
        for _ in range(count):
            investor = InvestorFactory(owner=deal_team_user, contact_cadence_days=30)
            InteractionFactory(investor=investor, occurred_at=days_ago(40))

    # 1. the token with its user, 2-3. the user's and its groups'
    # permissions, 4. the confidential rounds the user's teams may see,
    # 5. COUNT(*), 6. the page with its figures and last contact as
    # subqueries, 7. the focus sectors (prefetch).
    investors_going_cold(2)
    with django_assert_num_queries(7):
        response = api.get(URL, {"going_cold": "true"})
    assert len(response.json()["results"]) == 2

    investors_going_cold(2)
    with django_assert_num_queries(7):
        response = api.get(URL, {"going_cold": "true"})
    assert len(response.json()["results"]) == 4
