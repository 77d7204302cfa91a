"""Recording history: who changed what and when, for every write, from every door."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from config.api_router import router
from crm.core.models import Sector, Team
from crm.core.versions import record_version
from crm.investors.models import Investor
from crm.notes.models import Interaction
from crm.portfolio.models import Stake
from tests.admin_pages import add_url, change_url, changelist_url
from tests.factories import (
    ContactFactory,
    ExchangeRateFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CRM_APPS = ("core", "investors", "portfolio", "notes")


def entries(record):
    """`record`'s history, oldest first."""
    return list(
        type(record).history.filter(id=record.pk).order_by("history_date", "history_id")
    )


def kinds_and_users(record):
    return [(entry.history_type, entry.history_user) for entry in entries(record)]


def set_of(entry, field):
    """The ids in many-to-many `field` as recorded with `entry`."""
    related = type(entry).instance_type._meta.get_field(field).m2m_reverse_field_name()
    return sorted(getattr(entry, field).values_list(related, flat=True))


def test_every_crm_model_records_its_history():
    # The people present at an interaction are recorded with the interaction.
    recorded_with_their_parent = {"notes.interactioncontact"}
    for label in CRM_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower in recorded_with_their_parent:
                continue
            assert hasattr(model, "history"), model
    assert Interaction.history.model._history_m2m_fields == [
        Interaction._meta.get_field("contacts")
    ]


def test_an_investor_created_changed_and_deleted_over_the_api_has_one_entry_each(
    api, admin_api, deal_team_user, superuser, sector_tree
):
    ai, cv, _ = sector_tree
    created = api.post(
        "/api/v1/investors/",
        {"name": "HOPU Capital", "kind": "private_equity", "sectors": [cv.slug]},
    )
    pk = created.json()["id"]
    api.patch(
        f"/api/v1/investors/{pk}/",
        {"name": "HOPU Investments", "sectors": [ai.slug, cv.slug]},
    )
    admin_api.delete(f"/api/v1/investors/{pk}/")

    history = entries(Investor(pk=pk))
    assert [(e.history_type, e.history_user) for e in history] == [
        ("+", deal_team_user),
        ("~", deal_team_user),
        ("-", superuser),
    ]
    assert history[0].history_date < history[1].history_date < history[2].history_date
    assert [e.name for e in history] == [
        "HOPU Capital",
        "HOPU Investments",
        "HOPU Investments",
    ]
    assert set_of(history[0], "sectors") == [cv.pk]
    assert set_of(history[1], "sectors") == [ai.pk, cv.pk]
    delta = history[1].diff_against(history[0])
    assert {c.field: (c.old, c.new) for c in delta.changes} == {
        "name": ("HOPU Capital", "HOPU Investments"),
        "sectors": (
            [{"investor": pk, "sector": cv.pk}],
            [{"investor": pk, "sector": ai.pk}, {"investor": pk, "sector": cv.pk}],
        ),
    }


def test_an_api_patch_with_a_bearer_token_records_the_tokens_user(api, deal_team_user):
    investor = InvestorFactory(name="Fidelity International")

    response = api.patch(f"/api/v1/investors/{investor.pk}/", {"city": "London"})

    assert response.status_code == 200
    # The factory saved through the services, with no request: no user.
    assert kinds_and_users(investor) == [("+", None), ("~", deal_team_user)]
    assert entries(investor)[-1].city == "London"


def test_a_stake_records_its_amounts_and_their_usd_values(api, deal_team_user):
    ExchangeRateFactory(currency="CNY", usd_per_unit=Decimal("0.15"))
    stake = StakeFactory(
        amount=Decimal("1000000000.00"),
        currency="CNY",
        as_of=datetime.date(2018, 5, 1),
    )

    api.patch(f"/api/v1/stakes/{stake.pk}/", {"amount": "2000000000.00"})

    created, changed = entries(stake)
    assert (created.amount, created.amount_usd) == (
        Decimal("1000000000.00"),
        Decimal("150000000.00"),
    )
    assert (changed.amount, changed.amount_usd) == (
        Decimal("2000000000.00"),
        Decimal("300000000.00"),
    )
    assert changed.history_user == deal_team_user
    delta = changed.diff_against(created, included_fields=["amount", "amount_usd"])
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("amount", Decimal("1000000000.00"), Decimal("2000000000.00")),
        ("amount_usd", Decimal("150000000.00"), Decimal("300000000.00")),
    ]


def test_an_interactions_people_present_are_recorded_in_the_same_entry(
    api, deal_team_user
):
    investor = InvestorFactory(name="SoftBank Vision Fund")
    rajeev, akshay, masa = (
        ContactFactory(investor=investor, first_name=name)
        for name in ("Rajeev", "Akshay", "Masa")
    )
    created = api.post(
        "/api/v1/interactions/",
        {
            "kind": "call",
            "occurred_at": "2018-07-20T09:30:00Z",
            "investor": investor.pk,
            "contacts": [rajeev.pk, akshay.pk],
            "summary": "Discussed the $2B round",
        },
    )
    pk = created.json()["id"]

    api.patch(f"/api/v1/interactions/{pk}/", {"contacts": [akshay.pk, masa.pk]})

    history = entries(Interaction(pk=pk))
    # One entry per write, not one for the row and one per step of set().
    assert [(e.history_type, e.history_user) for e in history] == [
        ("+", deal_team_user),
        ("~", deal_team_user),
    ]
    assert set_of(history[0], "contacts") == [rajeev.pk, akshay.pk]
    assert set_of(history[1], "contacts") == [akshay.pk, masa.pk]
    assert history[1].diff_against(history[0]).changed_fields == ["contacts"]


def test_a_team_and_its_members_saved_in_the_admin_make_one_entry_per_save(
    client, superuser
):
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    client.force_login(superuser)

    client.post(
        add_url(Team), {"name": "Project Sun", "description": "", "members": [ana.pk]}
    )
    team = Team.objects.get(name="Project Sun")
    client.post(
        change_url(team),
        {
            "name": "Project Sun",
            "description": "SenseTime's Series D",
            "members": [ana.pk, ben.pk],
            "_opened_version": record_version(team),
        },
    )

    created, changed = entries(team)
    assert [(created.history_type, created.history_user)] == [("+", superuser)]
    assert [(changed.history_type, changed.history_user)] == [("~", superuser)]
    assert set_of(created, "members") == [ana.pk]
    assert set_of(changed, "members") == [ana.pk, ben.pk]
    assert sorted(changed.diff_against(created).changed_fields) == [
        "description",
        "members",
    ]


def test_commands_and_services_record_no_user(sector_tree):
    ai = sector_tree.ai

    assert kinds_and_users(ai) == [("+", None)]


def test_deleting_a_sector_records_its_removal_from_the_investors_that_focused_on_it(
    admin_api, superuser, sector_tree
):
    ai, cv, _ = sector_tree
    alibaba = InvestorFactory(name="Alibaba Group", sectors=[ai, cv])

    response = admin_api.delete(f"/api/v1/sectors/{cv.pk}/")

    assert response.status_code == 204
    last = entries(alibaba)[-1]
    assert (last.history_type, last.history_user) == ("~", superuser)
    assert last.history_change_reason == "Sector “Computer vision” deleted"
    assert set_of(last, "sectors") == [ai.pk]


def test_deleting_a_user_records_that_their_investors_lost_their_owner():
    owner = UserFactory(username="leaver")
    hopu = InvestorFactory(name="HOPU Capital", owner=owner)

    owner.delete()

    last = entries(hopu)[-1]
    assert (last.history_type, last.owner_id) == ("~", None)
    assert last.history_change_reason == "User “leaver” deleted"


def test_a_team_changed_from_its_members_side_is_recorded_on_the_team():
    team = Team.objects.create(name="Project Sun")
    ana = UserFactory(username="ana")

    ana.crm_teams.add(team)
    ana.crm_teams.clear()

    added, cleared = entries(team)[-2:]
    assert set_of(added, "members") == [ana.pk]
    assert set_of(cleared, "members") == []


def test_the_admins_bulk_delete_action_records_each_deleted_record(client, superuser):
    calls = [InteractionFactory(), InteractionFactory()]
    client.force_login(superuser)

    response = client.post(
        changelist_url(Interaction),
        {
            "action": "delete_selected",
            "_selected_action": [call.pk for call in calls],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Interaction.objects.exists()
    for call in calls:
        assert kinds_and_users(call)[-1] == ("-", superuser)


# Append-only: nothing edits history.


def test_no_history_model_has_an_admin_page():
    history_models = list(apps.get_app_config("history").get_models())
    assert len(history_models) == 14
    for model in history_models:
        assert model not in admin.site._registry, model
        for view in ("changelist", "add", "change", "delete"):
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
            with pytest.raises(NoReverseMatch):
                reverse(name, args=[1] if view in ("change", "delete") else [])


def test_no_api_resource_serves_history_models():
    for _, viewset, basename in router.registry:
        assert viewset.queryset.model._meta.app_label != "history", basename


def test_every_history_route_refuses_every_write(admin_api):
    sector = SectorFactory()
    for _, _, basename in router.registry:
        url = reverse(f"{basename}-history", args=[sector.pk])
        for method in ("post", "put", "patch", "delete"):
            response = getattr(admin_api, method)(url, {})
            assert response.status_code == 405, (method, url)
    assert entries(sector) == [Sector.history.get(id=sector.pk)]


def test_deleting_a_record_keeps_its_history():
    stake = StakeFactory()
    pk = stake.pk

    stake.delete()

    assert [entry.history_type for entry in entries(Stake(pk=pk))] == ["+", "-"]
    assert not Stake.objects.filter(pk=pk).exists()
