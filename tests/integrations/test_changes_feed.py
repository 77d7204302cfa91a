"""The changes feed: every create, update and delete, in commit order, behind the walls."""

import pytest
from django.core.management import call_command
from django.db import transaction

from crm.core.models import Team
from crm.integrations import resources
from crm.integrations.models import ChangeEntry
from crm.investors.models import Investor
from tests.api_pages import field_errors
from tests.factories import InvestorFactory, UserFactory
from tests.integrations.conftest import client_for

RESOURCES = resources.names()


def replay(client, state, cursor=0, limit=7):
    """Apply the feed after `cursor` to `state` as a warehouse would; the new cursor."""
    while True:
        response = client.get(f"/api/v1/changes/?after={cursor}&limit={limit}")
        assert response.status_code == 200, response.content
        page = response.json()
        for change in page["results"]:
            key = change["resource"], change["id"]
            if change["action"] == "deleted":
                state.pop(key, None)
            elif change["data"] is not None:
                state[key] = change["data"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return cursor


def listed(client):
    """Every record of every list, as the lists show them to this client."""
    records = {}
    for resource in RESOURCES:
        url = f"/api/v1/{resource}/?page_size=100"
        while url:
            page = client.get(url).json()
            for item in page["results"]:
                records[resource, item["id"]] = item
            url = page["next"]
    return records


def created(response):
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_replaying_the_feed_rebuilds_the_lists_of_every_reader(
    admin_api, member, outsider, team
):
    readers = {
        "superuser": admin_api,
        "member": client_for(member),
        "outsider": client_for(outsider),
    }
    write = admin_api
    # Creates of every resource, some behind a wall.
    created(write.post("/api/v1/sectors/", {"name": "AI", "slug": "ai"}))
    created(write.post("/api/v1/sectors/", {"name": "Vision", "slug": "vision"}))
    rate = created(
        write.post(
            "/api/v1/exchange-rates/",
            {"currency": "CNY", "usd_per_unit": "0.15", "valid_from": "2018-01-01"},
        )
    )
    alibaba = created(
        write.post(
            "/api/v1/investors/",
            {"name": "Alibaba", "kind": "strategic", "sectors": ["ai", "vision"]},
        )
    )
    softbank = created(write.post("/api/v1/investors/", {"name": "SoftBank"}))
    person = created(
        write.post(
            "/api/v1/contacts/",
            {"investor": alibaba, "first_name": "Joe", "last_name": "Tsai"},
        )
    )
    sensetime = created(
        write.post("/api/v1/companies/", {"name": "SenseTime", "sector": "ai"})
    )
    series_c = created(
        write.post(
            "/api/v1/rounds/",
            {"company": sensetime, "name": "Series C", "raised_amount": "600000000"},
        )
    )
    secret = created(
        write.post(
            "/api/v1/rounds/",
            {
                "company": sensetime,
                "name": "Series D",
                "raised_amount": "620000000",
                "confidential": True,
                "teams": [team.pk],
            },
        )
    )
    open_stake = {
        "investor": alibaba,
        "company": sensetime,
        "amount": "460000000",
        "status": "closed",
    }
    created(write.post("/api/v1/stakes/", {**open_stake, "round": series_c}))
    created(
        write.post(
            "/api/v1/stakes/", {**open_stake, "investor": softbank, "round": secret}
        )
    )
    loose_stake = created(write.post("/api/v1/stakes/", open_stake))
    call = {"investor": alibaba, "summary": "Call", "occurred_at": "2018-07-01T09:00Z"}
    created(write.post("/api/v1/interactions/", {**call, "round": secret}))
    created(write.post("/api/v1/interactions/", {**call, "contacts": [person]}))
    created(write.post("/api/v1/notes/", {"title": "Secret", "round": secret}))
    softbank_note = created(
        write.post("/api/v1/notes/", {"title": "Open", "investor": softbank})
    )

    states, cursors = {}, {}
    for name, client in readers.items():
        states[name] = {}
        cursors[name] = replay(client, states[name])
        assert states[name] == listed(client), name
    assert ("rounds", secret) not in states["outsider"]
    assert ("rounds", secret) in states["member"]

    # Updates, confidential flips both ways, a team joined, cascades, deletes.
    late_team = Team.objects.create(name="Project Moon")
    write.patch(f"/api/v1/investors/{alibaba}/", {"name": "Alibaba Group"})
    write.patch(
        f"/api/v1/rounds/{series_c}/",
        {"confidential": True, "teams": [late_team.pk]},
    )
    write.patch(f"/api/v1/rounds/{secret}/", {"confidential": False, "teams": []})
    write.patch(f"/api/v1/sectors/{_sector_id('ai')}/", {"slug": "artificial"})
    assert write.delete(f"/api/v1/stakes/{loose_stake}/").status_code == 204
    assert write.delete(f"/api/v1/notes/{softbank_note}/").status_code == 204
    assert write.delete(f"/api/v1/sectors/{_sector_id('vision')}/").status_code == 204
    write.patch(f"/api/v1/exchange-rates/{rate}/", {"usd_per_unit": "0.16"})
    late_team.members.add(member)

    for name, client in readers.items():
        cursors[name] = replay(client, states[name], cursors[name])
        assert states[name] == listed(client), name
        from_the_start = {}
        replay(client, from_the_start)
        assert from_the_start == states[name], name
    assert ("rounds", series_c) not in states["outsider"]
    assert ("rounds", secret) in states["outsider"]


def _sector_id(slug):
    from crm.core.models import Sector

    return Sector.objects.get(slug=slug).pk


@pytest.mark.django_db
def test_an_outsider_sees_a_round_made_confidential_as_deleted_and_back_as_created(
    admin_api, member, outsider, team
):
    round_id = created(
        admin_api.post(
            "/api/v1/rounds/",
            {
                "company": created(
                    admin_api.post("/api/v1/companies/", {"name": "Megvii"})
                ),
                "name": "Series D",
            },
        )
    )
    start = ChangeEntry.objects.latest("commit_seq").commit_seq
    admin_api.patch(
        f"/api/v1/rounds/{round_id}/", {"confidential": True, "teams": [team.pk]}
    )
    admin_api.patch(f"/api/v1/rounds/{round_id}/", {"confidential": False})

    def actions(user):
        page = (
            client_for(user)
            .get(f"/api/v1/changes/?after={start}&resource=rounds")
            .json()
        )
        return [(c["resource"], c["action"]) for c in page["results"]]

    assert actions(outsider) == [("rounds", "deleted"), ("rounds", "created")]
    assert actions(member) == [("rounds", "updated"), ("rounds", "updated")]


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_entry():
    before = ChangeEntry.objects.count()
    counted = []

    def write_then_fail():
        with transaction.atomic():
            InvestorFactory(name="Ghost Capital")
            counted.append(ChangeEntry.objects.count())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert counted == [before + 1]
    assert ChangeEntry.objects.count() == before


@pytest.mark.django_db
def test_a_change_lists_the_record_as_the_reader_sees_it(api, deal_team_user):
    investor = InvestorFactory(name="Hillhouse", country="CN")
    page = api.get("/api/v1/changes/?resource=investors").json()
    assert page["results"] == [
        {
            "cursor": page["results"][0]["cursor"],
            "resource": "investors",
            "id": investor.pk,
            "action": "created",
            "occurred_at": page["results"][0]["occurred_at"],
            "data": api.get(f"/api/v1/investors/{investor.pk}/").json(),
        }
    ]
    assert page["next_cursor"] == page["latest_cursor"] == page["results"][0]["cursor"]
    assert page["has_more"] is False


@pytest.mark.django_db
def test_an_unknown_resource_is_a_400_naming_it(api):
    response = api.get("/api/v1/changes/?resource=investors,invstors")
    assert response.status_code == 400
    assert "invstors" in field_errors(response)["resource"][0]


@pytest.mark.django_db
def test_a_resource_the_reader_may_not_view_is_a_403():
    client = client_for(UserFactory(username="nobody"))
    assert client.get("/api/v1/changes/?resource=investors").status_code == 403
    assert client.get("/api/v1/changes/").json()["results"] == []


@pytest.mark.django_db
def test_a_cursor_older_than_the_retention_is_gone(api, settings):
    settings.CHANGES_RETENTION_DAYS = 90
    old = InvestorFactory(name="Old Capital")
    ChangeEntry.objects.update(occurred_at="2020-01-01T00:00Z")
    InvestorFactory(name="New Capital")
    call_command("purge_changes")

    assert not ChangeEntry.objects.filter(record_id=old.pk).exists()
    response = api.get("/api/v1/changes/?after=0")
    assert response.status_code == 410
    latest = ChangeEntry.objects.latest("commit_seq").commit_seq
    assert response.json()["latest_cursor"] == latest
    assert api.get(f"/api/v1/changes/?after={latest}").status_code == 200


@pytest.mark.django_db
def test_the_feed_reads_one_query_per_resource_on_the_page(
    api, deal_team_user, django_assert_num_queries
):
    for name in ("A", "B", "C"):
        Investor.objects.get(pk=InvestorFactory(name=name).pk)
    api.get("/api/v1/changes/")  # the token's first use is recorded once
    # The token, the user's permissions and their groups', the purge
    # horizon, the page of entries, the user's confidential rounds, the
    # investors (with their figures), their sectors, the latest cursor.
    with django_assert_num_queries(9):
        assert len(api.get("/api/v1/changes/").json()["results"]) == 3
