"""Confidential rounds behind ethical walls, seen through every door.

A member of the round's team and an outsider (both in the Deal team) walk
every API route and every admin page; the outsider must learn nothing of the
confidential round: not in lists, details, filters, searches, counts or totals.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from config.api_router import router
from crm.investors.models import Investor
from crm.portfolio.models import Company, FundingRound, Stake
from tests.admin_pages import change_url, changelist_url, listed
from tests.api_pages import field_errors
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)


@pytest.fixture
def world(project_sun):
    team = project_sun
    alibaba = InvestorFactory(name="Alibaba Group", country="CN")
    softbank = InvestorFactory(name="SoftBank Vision Fund", country="GB")
    sensetime = CompanyFactory(name="SenseTime")
    public = FundingRoundFactory(
        company=sensetime,
        name="Series C",
        post_money_valuation=4500 * M,
        raised_amount=600 * M,
        announced_on=datetime.date(2018, 5, 1),
    )
    secret = FundingRoundFactory(
        company=sensetime,
        name="Series D",
        status=FundingRound.Status.OPEN,
        post_money_valuation=12000 * M,
        raised_amount=2000 * M,
        announced_on=datetime.date(2018, 7, 1),
        confidential=True,
    )
    secret.teams.set([team])
    masayoshi = ContactFactory(investor=softbank, first_name="Rajeev")
    hidden = {
        "round": secret,
        "stakes": [
            StakeFactory(
                investor=softbank, company=sensetime, round=secret, amount=950 * M
            ),
            StakeFactory(
                investor=alibaba, company=sensetime, round=secret, amount=50 * M
            ),
        ],
        "interaction": InteractionFactory(
            investor=softbank,
            round=secret,
            contacts=[masayoshi],
            summary="Vision Fund on the $2B round",
            occurred_at=datetime.datetime(2018, 7, 10, tzinfo=datetime.UTC),
        ),
        "note": DealNoteFactory(
            title="Vision Fund wants almost $1B", investor=softbank, round=secret
        ),
    }
    shown = {
        "round": public,
        "stake": StakeFactory(
            investor=alibaba, company=sensetime, round=public, amount=300 * M
        ),
        "interaction": InteractionFactory(
            investor=alibaba,
            summary="Alibaba on the Series C",
            occurred_at=datetime.datetime(2018, 5, 2, tzinfo=datetime.UTC),
        ),
    }
    return {
        "team": team,
        "alibaba": alibaba,
        "softbank": softbank,
        "sensetime": sensetime,
        "hidden": hidden,
        "shown": shown,
    }


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def hidden_ids(world):
    """The hidden records of each API resource, by router basename."""
    hidden = world["hidden"]
    return {
        "sector": set(),
        "exchange-rate": set(),
        "investor": set(),
        "contact": set(),
        "company": set(),
        "round": {hidden["round"].pk},
        "stake": {stake.pk for stake in hidden["stakes"]},
        "interaction": {hidden["interaction"].pk},
        "note": {hidden["note"].pk},
    }


def list_ids(client, basename, **params):
    response = client.get(reverse(f"{basename}-list"), {"page_size": 200, **params})
    assert response.status_code == 200, (basename, response.content)
    body = response.json()
    # Every row on this one page (some lists count rows, keyset pages do not).
    assert body["next"] is None
    return {row["id"] for row in body["results"]}


# The API


def test_every_api_route_is_covered_by_this_matrix(world):
    assert {basename for _, _, basename in router.registry} == set(hidden_ids(world))


def test_no_api_list_shows_an_outsider_a_hidden_record(world, member, outsider):
    for basename, hidden in hidden_ids(world).items():
        seen_by_member = list_ids(api_client(member), basename)
        seen_by_outsider = list_ids(api_client(outsider), basename)

        assert hidden <= seen_by_member, basename
        assert seen_by_outsider == seen_by_member - hidden, basename


def test_every_api_detail_and_write_on_a_hidden_record_is_a_404(
    world, member, outsider
):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    for basename, hidden in hidden_ids(world).items():
        for pk in hidden:
            url = reverse(f"{basename}-detail", args=[pk])
            assert api_client(member).get(url).status_code == 200, url
            outsider_client = api_client(outsider)
            assert outsider_client.get(url).status_code == 404, url
            assert outsider_client.patch(url, {}).status_code == 404, url
            assert outsider_client.put(url, {}).status_code == 404, url
            assert outsider_client.delete(url).status_code in (403, 404), url
            assert api_client(superuser).get(url).status_code == 200, url
    assert Stake.objects.count() == 3


def test_a_hidden_round_and_a_missing_one_answer_alike(world, outsider):
    client = api_client(outsider)
    hidden = client.get(reverse("round-detail", args=[world["hidden"]["round"].pk]))
    missing = client.get(reverse("round-detail", args=[999_999]))

    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_investor_figures_count_only_what_the_user_may_see(world, member, outsider):
    def figures(user, investor):
        row = api_client(user).get(reverse("investor-detail", args=[investor.pk]))
        body = row.json()
        return (
            body["total_stake_usd"],
            body["largest_stake_usd"],
            body["portfolio_count"],
            body["last_interaction_at"],
        )

    assert figures(member, world["alibaba"]) == (
        "350000000.00",
        "300000000.00",
        1,
        "2018-05-02T00:00:00Z",
    )
    assert figures(outsider, world["alibaba"]) == (
        "300000000.00",
        "300000000.00",
        1,
        "2018-05-02T00:00:00Z",
    )
    assert figures(member, world["softbank"]) == (
        "950000000.00",
        "950000000.00",
        1,
        "2018-07-10T00:00:00Z",
    )
    assert figures(outsider, world["softbank"]) == ("0.00", None, 0, None)


def test_company_figures_count_only_visible_rounds(world, member, outsider):
    url = reverse("company-detail", args=[world["sensetime"].pk])

    assert api_client(member).get(url).json()["latest_valuation_usd"] == (
        "12000000000.00"
    )
    outsider_view = api_client(outsider).get(url).json()
    assert outsider_view["latest_valuation_usd"] == "4500000000.00"
    assert outsider_view["total_raised_usd"] == "600000000.00"


@pytest.mark.parametrize(
    ("basename", "params"),
    [
        ("investor", {"stake_min": "900000000"}),
        ("investor", {"total_stake_min": "900000000"}),
        ("investor", {"ordering": "-largest_stake_usd", "stake_status": "closed"}),
        ("investor", {"company": "{sensetime}", "search": "SoftBank"}),
        ("company", {"investor": "{softbank}"}),
        ("company", {"valuation_min": "10000000000"}),
        ("round", {"company": "{sensetime}", "status": "open"}),
        ("stake", {"amount_min": "900000000"}),
        ("interaction", {"search": "Vision Fund"}),
        ("interaction", {"contact": "{rajeev}"}),
        ("note", {"search": "almost"}),
    ],
)
def test_filters_and_searches_find_nothing_hidden_for_an_outsider(
    world, member, outsider, basename, params
):
    values = {
        "sensetime": world["sensetime"].pk,
        "softbank": world["softbank"].pk,
        "rajeev": world["hidden"]["interaction"].contacts.get().pk,
    }
    params = {key: value.format(**values) for key, value in params.items()}

    assert list_ids(api_client(member), basename, **params) != set()
    found = list_ids(api_client(outsider), basename, **params)
    if basename == "investor":
        assert world["softbank"].pk not in found
    else:
        assert found.isdisjoint(hidden_ids(world)[basename])
        assert found == set() or basename == "round"


def test_an_outsider_cannot_refer_to_a_hidden_round(world, outsider):
    client = api_client(outsider)
    hidden_round = world["hidden"]["round"].pk
    writes = {
        "stake-list": {
            "investor": world["alibaba"].pk,
            "company": world["sensetime"].pk,
            "round": hidden_round,
            "amount": "1.00",
            "currency": "USD",
        },
        "interaction-list": {
            "investor": world["alibaba"].pk,
            "round": hidden_round,
            "summary": "Call",
        },
        "note-list": {"title": "Note", "round": hidden_round},
    }
    for route, payload in writes.items():
        response = client.post(reverse(route), payload, format="json")

        assert response.status_code == 400, route
        assert field_errors(response) == {
            "round": [f'Invalid pk "{hidden_round}" - object does not exist.']
        }, route
    assert Stake.objects.count() == 3


def test_a_confidential_round_needs_a_team_its_writer_is_in(world, member, outsider):
    # Both may wall rounds (tests/portfolio/test_walling_rounds.py: who may).
    for user in (member, outsider):
        user.groups.add(Group.objects.get(name="Deal lead"))
    payload = {
        "company": world["sensetime"].pk,
        "name": "Series E",
        "currency": "USD",
        "confidential": True,
    }

    no_team = api_client(member).post(reverse("round-list"), payload, format="json")
    not_mine = api_client(outsider).post(
        reverse("round-list"), {**payload, "teams": [world["team"].pk]}, format="json"
    )
    mine = api_client(member).post(
        reverse("round-list"), {**payload, "teams": [world["team"].pk]}, format="json"
    )

    assert no_team.status_code == 400
    assert field_errors(no_team) == {
        "teams": ["A confidential round needs at least one team."]
    }
    assert not_mine.status_code == 400
    assert field_errors(not_mine) == {"teams": ["Add only teams you belong to."]}
    assert mine.status_code == 201
    assert FundingRound.objects.filter(name="Series E", confidential=True).count() == 1


# The admin


def crm_admin_models():
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label in {"core", "investors", "portfolio", "notes"}
    ]


def hidden_records(world):
    hidden = world["hidden"]
    return [hidden["round"], *hidden["stakes"], hidden["interaction"], hidden["note"]]


def test_no_admin_changelist_shows_an_outsider_a_hidden_record(
    world, member, outsider, client
):
    hidden = {(type(obj), obj.pk) for obj in hidden_records(world)}
    for model in crm_admin_models():
        hidden_here = {pk for kind, pk in hidden if kind is model}
        client.force_login(member)
        seen_by_member = {obj.pk for obj in listed(client.get(changelist_url(model)))}
        client.force_login(outsider)
        seen_by_outsider = {obj.pk for obj in listed(client.get(changelist_url(model)))}

        assert hidden_here <= seen_by_member, model
        assert seen_by_outsider == seen_by_member - hidden_here, model


def test_every_admin_page_of_a_hidden_record_answers_as_if_it_did_not_exist(
    world, member, outsider, client
):
    client.force_login(outsider)
    for obj in hidden_records(world):
        opts = obj._meta
        for view in ("change", "history", "delete"):
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk]
            )
            missing = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[999_999]
            )
            response, absent = client.get(url), client.get(missing)

            assert response.status_code == absent.status_code, url
            assert response.status_code in (302, 403), url
    client.force_login(member)
    for obj in hidden_records(world):
        assert client.get(change_url(obj)).status_code == 200


def test_admin_investor_figures_and_stake_buckets_count_only_visible_stakes(
    world, member, outsider, client
):
    client.force_login(outsider)
    in_bucket = listed(client.get(changelist_url(Investor), {"stake_size": "100m_1b"}))
    no_stakes = listed(client.get(changelist_url(Investor), {"stake_size": "none"}))
    rows = {row.name: row for row in listed(client.get(changelist_url(Investor)))}

    assert [row.name for row in in_bucket] == ["Alibaba Group"]
    assert [row.name for row in no_stakes] == ["SoftBank Vision Fund"]
    assert rows["Alibaba Group"].total_stake_usd == 300 * M
    assert rows["SoftBank Vision Fund"].total_stake_usd == 0

    client.force_login(member)
    in_bucket = listed(client.get(changelist_url(Investor), {"stake_size": "100m_1b"}))
    assert [row.name for row in in_bucket] == ["Alibaba Group", "SoftBank Vision Fund"]


def test_admin_company_figures_count_only_visible_rounds(world, outsider, client):
    client.force_login(outsider)

    rows = listed(client.get(changelist_url(Company)))

    assert [(row.name, row.latest_valuation_usd) for row in rows] == [
        ("SenseTime", 4500 * M)
    ]


def test_the_admin_round_autocomplete_offers_an_outsider_no_hidden_round(
    world, member, outsider, client
):
    url = reverse("admin:autocomplete")
    params = {
        "term": "Series",
        "app_label": "portfolio",
        "model_name": "stake",
        "field_name": "round",
    }

    client.force_login(outsider)
    outsider_names = [r["text"] for r in client.get(url, params).json()["results"]]
    client.force_login(member)
    member_names = [r["text"] for r in client.get(url, params).json()["results"]]

    assert outsider_names == ["SenseTime Series C"]
    assert sorted(member_names) == ["SenseTime Series C", "SenseTime Series D"]


def test_an_outsider_cannot_post_a_hidden_round_through_the_admin(
    world, outsider, client
):
    client.force_login(outsider)
    response = client.post(
        reverse("admin:portfolio_stake_add"),
        {
            "investor": world["alibaba"].pk,
            "company": world["sensetime"].pk,
            "round": world["hidden"]["round"].pk,
            "amount": "1",
            "currency": "USD",
            "status": "closed",
            "as_of": "2018-07-01",
        },
    )

    assert response.status_code == 200
    assert "round" in response.context["adminform"].form.errors
    assert Stake.objects.count() == 3
