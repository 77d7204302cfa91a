"""`GET /api/v1/<resource>/<id>/history/`: a record's changes, newest first."""

import datetime
from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from config.api_router import router
from crm.investors.models import Investor
from crm.notes.models import Interaction
from crm.portfolio.models import Stake
from tests.api_pages import detail_of
from tests.factories import (
    ContactFactory,
    ExchangeRateFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def recorded(model, pk):
    """The history entries of record `pk`, newest first, as stored."""
    return list(model.history.filter(id=pk).order_by("-history_date", "-history_id"))


def history_url(resource, pk):
    return f"/api/v1/{resource}/{pk}/history/"


def test_an_investors_history_lists_its_changes_newest_first(
    api, deal_team_user, sector_tree
):
    ai, cv, _ = sector_tree
    pk = api.post(
        "/api/v1/investors/",
        {
            "name": "HOPU Capital",
            "kind": "private_equity",
            "country": "HK",
            "sectors": [cv.slug],
            "aum_usd": "20000000000",
        },
    ).json()["id"]
    api.patch(
        f"/api/v1/investors/{pk}/",
        {
            "name": "HOPU Investments",
            "sectors": [ai.slug, cv.slug],
            "check_size_min_usd": "10000000.5",
        },
    )

    response = api.get(history_url("investors", pk))

    changed, created = recorded(Investor, pk)
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "changed_at": iso(changed.history_date),
                "changed_by": deal_team_user.pk,
                "change": "updated",
                "reason": None,
                "changes": [
                    {"field": "check_size_min_usd", "old": None, "new": "10000000.50"},
                    {
                        "field": "name",
                        "old": "HOPU Capital",
                        "new": "HOPU Investments",
                    },
                    {"field": "sectors", "old": [cv.pk], "new": [ai.pk, cv.pk]},
                ],
            },
            {
                "changed_at": iso(created.history_date),
                "changed_by": deal_team_user.pk,
                "change": "created",
                "reason": None,
                "changes": [
                    {"field": "aliases", "old": None, "new": []},
                    {"field": "aum_usd", "old": None, "new": "20000000000.00"},
                    {"field": "check_size_max_usd", "old": None, "new": None},
                    {"field": "check_size_min_usd", "old": None, "new": None},
                    {"field": "city", "old": None, "new": ""},
                    {"field": "contact_cadence_days", "old": None, "new": None},
                    {"field": "country", "old": None, "new": "HK"},
                    {"field": "description", "old": None, "new": ""},
                    {"field": "external_id", "old": None, "new": ""},
                    {"field": "kind", "old": None, "new": "private_equity"},
                    {"field": "name", "old": None, "new": "HOPU Capital"},
                    {"field": "owner", "old": None, "new": None},
                    {"field": "sectors", "old": None, "new": [cv.pk]},
                    {"field": "website", "old": None, "new": ""},
                ],
            },
        ],
    }
    assert changed.history_date > created.history_date


def test_a_stakes_history_shows_amounts_usd_values_and_dates_as_the_api_does(
    api, deal_team_user
):
    ExchangeRateFactory(currency="CNY", usd_per_unit=Decimal("0.15"))
    stake = StakeFactory(
        amount=1000 * M, currency="CNY", as_of=datetime.date(2018, 5, 1)
    )

    api.patch(
        f"/api/v1/stakes/{stake.pk}/",
        {
            "amount": "2000000000.00",
            "as_of": "2018-06-30",
            "ownership_pct": "12.5",
            "is_lead": True,
        },
    )

    latest = api.get(history_url("stakes", stake.pk)).json()["results"][0]
    assert latest["changed_by"] == deal_team_user.pk
    assert latest["changes"] == [
        {"field": "amount", "old": "1000000000.00", "new": "2000000000.00"},
        {"field": "amount_usd", "old": "150000000.00", "new": "300000000.00"},
        {"field": "as_of", "old": "2018-05-01", "new": "2018-06-30"},
        {"field": "is_lead", "old": False, "new": True},
        {"field": "ownership_pct", "old": None, "new": "12.50"},
    ]


def test_an_interactions_history_shows_who_logged_it_and_the_people_present(
    api, deal_team_user
):
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    rajeev, akshay = (
        ContactFactory(investor=softbank, first_name=name)
        for name in ("Rajeev", "Akshay")
    )
    pk = api.post(
        "/api/v1/interactions/",
        {
            "kind": "call",
            "occurred_at": "2018-07-20T09:30:00+08:00",
            "investor": softbank.pk,
            "contacts": [rajeev.pk],
            "summary": "Discussed the $2B round",
            "follow_up_on": "2018-07-27",
        },
    ).json()["id"]
    api.patch(f"/api/v1/interactions/{pk}/", {"contacts": [rajeev.pk, akshay.pk]})

    changed, created = api.get(history_url("interactions", pk)).json()["results"]

    assert changed["changes"] == [
        {"field": "contacts", "old": [rajeev.pk], "new": [rajeev.pk, akshay.pk]}
    ]
    assert created["changes"] == [
        {"field": "company", "old": None, "new": None},
        {"field": "contacts", "old": None, "new": [rajeev.pk]},
        {"field": "details", "old": None, "new": ""},
        {"field": "external_id", "old": None, "new": ""},
        {"field": "follow_up_done", "old": None, "new": False},
        {"field": "follow_up_on", "old": None, "new": "2018-07-27"},
        {"field": "investor", "old": None, "new": softbank.pk},
        {"field": "kind", "old": None, "new": "call"},
        {"field": "logged_by", "old": None, "new": deal_team_user.pk},
        {"field": "occurred_at", "old": None, "new": "2018-07-20T01:30:00Z"},
        {"field": "round", "old": None, "new": None},
        {"field": "summary", "old": None, "new": "Discussed the $2B round"},
    ]


def test_each_page_compares_its_oldest_entry_with_the_one_before_it(api):
    investor = InvestorFactory(name="Fidelity International", city="Boston")
    api.patch(f"/api/v1/investors/{investor.pk}/", {"city": "London"})
    api.patch(f"/api/v1/investors/{investor.pk}/", {"city": "Hong Kong"})

    first = api.get(history_url("investors", investor.pk), {"page_size": 1}).json()
    second = api.get(
        history_url("investors", investor.pk), {"page_size": 1, "page": 2}
    ).json()

    assert first["count"] == second["count"] == 3
    assert first["next"].endswith("?page=2&page_size=1")
    assert first["results"][0]["changes"] == [
        {"field": "city", "old": "London", "new": "Hong Kong"}
    ]
    assert second["results"][0]["changes"] == [
        {"field": "city", "old": "Boston", "new": "London"}
    ]


def test_a_deleted_records_history_is_not_found(admin_api):
    investor = InvestorFactory()
    admin_api.delete(f"/api/v1/investors/{investor.pk}/")

    response = admin_api.get(history_url("investors", investor.pk))

    assert response.status_code == 404
    assert detail_of(response) == "No Investor matches the given query."


def test_history_needs_the_resources_view_permission(analyst_api):
    investor = InvestorFactory()
    stranger = APIClient()
    stranger.force_login(UserFactory(username="stranger"))

    assert analyst_api.get(history_url("investors", investor.pk)).status_code == 200
    assert stranger.get(history_url("investors", investor.pk)).status_code == 403


# Ethical walls: what the user may not see has no visible history.


def logged_in(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_a_hidden_rounds_history_is_not_found_for_a_non_member(
    walled, member, outsider, superuser
):
    for resource, pk in [
        ("rounds", walled["secret"].pk),
        ("stakes", walled["stake"].pk),
    ]:
        url = history_url(resource, pk)
        missing = history_url(resource, 999_999)

        assert logged_in(outsider).get(url).status_code == 404, url
        assert logged_in(outsider).get(url).json() == (
            logged_in(outsider).get(missing).json()
        )
        assert logged_in(member).get(url).status_code == 200, url
        assert logged_in(superuser).get(url).status_code == 200, url


def test_an_outsider_reads_a_stakes_history_from_when_it_left_a_hidden_round(
    walled, member, outsider
):
    stake = walled["stake"]
    logged_in(member).patch(
        f"/api/v1/stakes/{stake.pk}/", {"round": walled["public"].pk}
    )

    def round_changes(user):
        entries = logged_in(user).get(history_url("stakes", stake.pk)).json()
        return [
            (change["old"], change["new"])
            for entry in entries["results"]
            for change in entry["changes"]
            if change["field"] == "round"
        ]

    assert round_changes(member) == [
        (walled["secret"].pk, walled["public"].pk),
        (None, walled["secret"].pk),
    ]
    # Its time in the hidden round is left out (crm.core.history_visibility).
    assert round_changes(outsider) == [(None, walled["public"].pk)]


def test_the_history_route_reads_a_fixed_number_of_queries(
    api, sector_tree, django_assert_num_queries
):
    ai = sector_tree.ai
    investor = InvestorFactory(name="Alibaba Group")
    url = history_url("investors", investor.pk)
    api.patch(f"/api/v1/investors/{investor.pk}/", {"sectors": [ai.slug]})
    # 1-3: the token and the user's permissions (user, then group), 4: the
    # investor with its figures, 5: its sectors, 6: the count, 7: the page,
    # 8: the sectors recorded with every entry of the page.
    # Plus one after authentication: the confidential rounds the user's teams
    # may see, read once per request (crm.portfolio.walls.confidential_rounds_seen_by).
    with django_assert_num_queries(9):
        assert len(api.get(url).json()["results"]) == 2
    for city in ("Hangzhou", "Shanghai", "Beijing"):
        api.patch(f"/api/v1/investors/{investor.pk}/", {"city": city, "sectors": []})
    with django_assert_num_queries(9):
        assert len(api.get(url).json()["results"]) == 5
    # 9: the entry just before a page that does not reach the first one.
    with django_assert_num_queries(10):
        assert len(api.get(url, {"page_size": 2}).json()["results"]) == 2


def test_every_resource_documents_its_history_route():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    for prefix, _, _ in router.registry:
        operations = schema["paths"][f"/api/v1/{prefix}/{{id}}/history/"]
        assert set(operations) == {"get"}, prefix
        ok = operations["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"] == {
            "$ref": "#/components/schemas/PaginatedHistoryEntryList"
        }
        parameters = {p["name"] for p in operations["get"]["parameters"]}
        assert parameters == {"id", "page", "page_size"}, prefix
    entry = schema["components"]["schemas"]["HistoryEntry"]
    assert set(entry["properties"]) == {
        "changed_at",
        "changed_by",
        "change",
        "reason",
        "changes",
    }


def test_a_records_history_counts_only_its_own_entries(api):
    alibaba, hopu = InvestorFactory(), InvestorFactory()
    api.patch(f"/api/v1/investors/{hopu.pk}/", {"city": "Hong Kong"})

    assert api.get(history_url("investors", alibaba.pk)).json()["count"] == 1
    assert api.get(history_url("investors", hopu.pk)).json()["count"] == 2
    assert Stake.history.count() == 0
    assert Interaction.history.count() == 0
