"""A record's history shows a user only the times they could see the record.

A stake in Project Sun's confidential round, moved to the public round at a
new amount, must not show its old amount and source to a user outside the
team: not in the API's history, the admin's History page or its revert form.
Nor may a round made public show the values it had while confidential.
Entries of hidden times are left out; the first entry shown reads as a first
entry, every value new (crm.core.history_visibility).
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from crm.core.deletion import delete_record
from crm.core.models import Team
from crm.core.services import record_save
from crm.portfolio.models import FundingRound, Stake
from crm.portfolio.services import stake_save
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)
SECRETS = ["950000000", "Project Sun term sheet", "12000000000"]


@pytest.fixture
def member():
    return UserFactory(username="member", groups=["Deal team"], is_staff=True)


@pytest.fixture
def outsider():
    return UserFactory(username="outsider", groups=["Deal team"], is_staff=True)


@pytest.fixture
def team(member):
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    return team


@pytest.fixture
def world(team):
    sensetime = CompanyFactory(name="SenseTime")
    public = FundingRoundFactory(company=sensetime, name="Series C")
    secret = FundingRoundFactory(company=sensetime, name="Series D", confidential=True)
    secret.teams.set([team])
    stake = StakeFactory(
        investor=InvestorFactory(name="SoftBank Vision Fund"),
        company=sensetime,
        round=secret,
        amount=950 * M,
        source="Project Sun term sheet",
    )
    stake.round, stake.amount, stake.source = public, 300 * M, "Press release"
    stake_save(stake=stake)
    return {"stake": stake, "public": public, "secret": secret}


@pytest.fixture
def round_made_public(team):
    """A round created confidential at a $12B valuation, then made public at $9B."""
    round_ = FundingRoundFactory(
        company=CompanyFactory(name="Megvii"),
        name="Series E",
        confidential=True,
        post_money_valuation=12000 * M,
    )
    round_.teams.set([team])
    round_.confidential, round_.post_money_valuation = False, 9000 * M
    record_save(instance=round_, many_to_many={"teams": []})
    return round_


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def api_history(user, resource, pk):
    response = api_client(user).get(f"/api/v1/{resource}/{pk}/history/")
    assert response.status_code == 200
    return response


def changed(entry, field):
    [change] = [change for change in entry["changes"] if change["field"] == field]
    return change["old"], change["new"]


# The API


def test_the_api_history_leaves_out_a_stakes_time_in_a_hidden_round(world, outsider):
    response = api_history(outsider, "stakes", world["stake"].pk)

    [entry] = response.json()["results"]
    assert entry["change"] == "updated"
    # Shown as a first entry: nothing it had before.
    assert all(change["old"] is None for change in entry["changes"])
    assert changed(entry, "amount") == (None, "300000000.00")
    assert changed(entry, "source") == (None, "Press release")
    assert changed(entry, "round") == (None, world["public"].pk)
    for secret in SECRETS:
        assert secret not in response.content.decode()


def test_a_member_of_the_team_sees_the_stakes_whole_history(world, member):
    response = api_history(member, "stakes", world["stake"].pk)

    moved, created = response.json()["results"]
    assert created["change"] == "created"
    assert changed(moved, "amount") == ("950000000.00", "300000000.00")
    assert changed(moved, "source") == ("Project Sun term sheet", "Press release")


def test_the_api_history_of_a_round_made_public_leaves_out_its_confidential_time(
    round_made_public, member, outsider
):
    seen_by_outsider = api_history(outsider, "rounds", round_made_public.pk)
    seen_by_member = api_history(member, "rounds", round_made_public.pk)

    [entry] = seen_by_outsider.json()["results"]
    assert changed(entry, "post_money_valuation") == (None, "9000000000.00")
    assert changed(entry, "confidential") == (None, False)
    for secret in SECRETS:
        assert secret not in seen_by_outsider.content.decode()
    made_public, _ = seen_by_member.json()["results"]
    assert changed(made_public, "post_money_valuation") == (
        "12000000000.00",
        "9000000000.00",
    )


def test_later_changes_compare_with_the_last_entry_the_user_may_see(world, outsider):
    stake = world["stake"]
    stake.amount = 310 * M
    stake_save(stake=stake)

    response = api_history(outsider, "stakes", stake.pk)

    raised, moved = response.json()["results"]
    assert changed(raised, "amount") == ("300000000.00", "310000000.00")
    assert changed(moved, "amount") == (None, "300000000.00")
    for secret in SECRETS:
        assert secret not in response.content.decode()


# The admin


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def revert_url(obj, history_id):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, history_id],
    )


def entries(obj):
    """The stored history entries of `obj`, newest first."""
    return list(
        type(obj).history.filter(id=obj.pk).order_by("-history_date", "-history_id")
    )


def test_the_admin_history_page_leaves_out_a_stakes_time_in_a_hidden_round(
    world, member, outsider, client
):
    moved, created = entries(world["stake"])

    client.force_login(outsider)
    outsider_page = client.get(history_url(world["stake"]))
    client.force_login(member)
    member_page = client.get(history_url(world["stake"]))

    assert outsider_page.status_code == 200
    assert [entry.pk for entry in outsider_page.context["page_obj"]] == [moved.pk]
    for secret in SECRETS:
        assert secret not in outsider_page.content.decode()
    assert [entry.pk for entry in member_page.context["page_obj"]] == [
        moved.pk,
        created.pk,
    ]


def test_the_admin_history_page_of_a_round_made_public_hides_its_confidential_time(
    round_made_public, outsider, client
):
    client.force_login(outsider)

    page = client.get(history_url(round_made_public))

    assert [entry.confidential for entry in page.context["page_obj"]] == [False]
    assert "12000000000" not in page.content.decode()
    assert "12,000,000,000" not in page.content.decode()


def test_the_admin_revert_form_of_a_hidden_version_answers_as_for_a_missing_one(
    world, member, outsider, client
):
    stake = world["stake"]
    moved, created = entries(stake)

    client.force_login(outsider)
    hidden = client.get(revert_url(stake, created.history_id))
    missing = client.get(revert_url(stake, 999_999))
    shown = client.get(revert_url(stake, moved.history_id))
    client.force_login(member)
    for_member = client.get(revert_url(stake, created.history_id))

    assert hidden.status_code == missing.status_code == 302
    assert hidden["Location"] == missing["Location"]
    assert shown.status_code == 200
    assert for_member.status_code == 200
    assert for_member.context["adminform"].form.initial["amount"] == 950 * M
    assert Stake.objects.get().amount == 300 * M


def test_a_revert_post_to_a_hidden_version_changes_nothing(world, outsider, client):
    stake = world["stake"]
    _, created = entries(stake)
    client.force_login(outsider)

    response = client.post(
        revert_url(stake, created.history_id),
        {
            "investor": stake.investor_id,
            "company": stake.company_id,
            "round": world["public"].pk,
            "amount": "950000000",
            "currency": "USD",
            "status": "closed",
            "as_of": "2018-05-01",
        },
    )

    assert response.status_code == 302
    assert Stake.objects.get().amount == 300 * M
    assert len(entries(stake)) == 2


def test_the_recently_deleted_list_judges_a_round_by_its_last_entry(
    round_made_public, outsider, client
):
    pk = round_made_public.pk
    delete_record(round_made_public)
    client.force_login(outsider)

    response = client.get(
        reverse("admin:portfolio_fundinground_recently_deleted"),
    )

    assert [row["pk"] for row in response.context["rows"]] == [pk]
    assert FundingRound.objects.count() == 0
