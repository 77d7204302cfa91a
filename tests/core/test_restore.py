"""The admin's "Recently deleted" pages, and restoring a deleted record."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from crm.core.models import Team
from crm.core.restore import record_restore
from crm.investors.models import Investor
from crm.notes.models import Interaction
from crm.portfolio.models import FundingRound, Stake
from tests.admin_pages import change_url, changelist_url
from tests.factories import (
    ContactFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db


def deleted_url(model):
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_recently_deleted"
    )


def restore_url(model, pk):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_restore"
    return reverse(name, args=[pk])


def listed(response):
    """(name, pk, who deleted it) of each row of a recently deleted page."""
    assert response.status_code == 200
    return [
        (row["name"], row["pk"], row["entry"].history_user)
        for row in response.context["rows"]
    ]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def entries(model, pk):
    return list(model.history.filter(id=pk).order_by("history_date", "history_id"))


@pytest.fixture
def alibaba(sector_tree):
    ai, cv, _ = sector_tree
    return InvestorFactory(
        name="Alibaba Group",
        kind=Investor.Kind.STRATEGIC,
        country="CN",
        city="Hangzhou",
        sectors=[ai, cv],
        aum_usd=Decimal("20000000000.00"),
    )


def test_recently_deleted_lists_deleted_investors_newest_first_with_who_deleted_them(
    client, superuser, deal_team_user, alibaba
):
    hopu = InvestorFactory(name="HOPU Capital")
    InvestorFactory(name="Fidelity International")
    alibaba_pk, hopu_pk = alibaba.pk, hopu.pk
    alibaba.delete()
    client.force_login(superuser)
    client.post(
        reverse("admin:investors_investor_delete", args=[hopu_pk]), {"post": "yes"}
    )

    response = client.get(deleted_url(Investor))

    assert listed(response) == [
        ("HOPU Capital", hopu_pk, superuser),
        # Deleted from a shell: no user to name.
        ("Alibaba Group", alibaba_pk, None),
    ]
    assert b"Restore" in response.content


def test_every_crm_list_links_to_its_recently_deleted_records(client, superuser):
    client.force_login(superuser)

    for model in (Investor, Stake, Interaction, Team):
        response = client.get(changelist_url(model))
        assert deleted_url(model).encode() in response.content, model


def test_restoring_an_investor_brings_it_back_with_its_id_values_and_sectors(
    client, deal_team_user, alibaba
):
    pk, created_at = alibaba.pk, alibaba.created_at
    sectors = set(alibaba.sectors.values_list("pk", flat=True))
    alibaba.delete()
    client.force_login(deal_team_user)

    response = client.post(restore_url(Investor, pk))

    assert response.status_code == 302
    assert response["Location"] == change_url(Investor(pk=pk))
    assert messages_of(response) == ["The investor “Alibaba Group” was restored."]
    restored = Investor.objects.get(pk=pk)
    assert (restored.name, restored.kind, restored.country.code, restored.city) == (
        "Alibaba Group",
        "strategic",
        "CN",
        "Hangzhou",
    )
    assert restored.aum_usd == Decimal("20000000000.00")
    assert set(restored.sectors.values_list("pk", flat=True)) == sectors
    assert restored.created_at == created_at
    last = entries(Investor, pk)[-1]
    assert (last.history_type, last.history_user, last.history_change_reason) == (
        "+",
        deal_team_user,
        "Restored",
    )
    assert last.created_at == created_at
    assert client.get(deleted_url(Investor)).context["rows"] == []


def test_a_restored_records_api_history_shows_the_deletion_and_the_restore(
    admin_api, superuser, alibaba
):
    pk = alibaba.pk
    ai, cv = sorted(alibaba.sectors.values_list("pk", flat=True))
    admin_api.delete(f"/api/v1/investors/{pk}/")
    record_restore(model=Investor, pk=pk, user=superuser)

    results = admin_api.get(f"/api/v1/investors/{pk}/history/").json()["results"]

    assert [(e["change"], e["changed_by"], e["reason"]) for e in results] == [
        ("created", superuser.pk, "Restored"),
        ("deleted", superuser.pk, None),
        ("updated", None, None),
        ("created", None, None),
    ]
    deleted = {c["field"]: (c["old"], c["new"]) for c in results[1]["changes"]}
    assert deleted["name"] == ("Alibaba Group", None)
    assert deleted["sectors"] == ([ai, cv], None)
    restored = {c["field"]: (c["old"], c["new"]) for c in results[0]["changes"]}
    assert restored["sectors"] == (None, [ai, cv])


def test_restoring_an_interaction_brings_back_the_people_present(
    client, deal_team_user
):
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    people = [ContactFactory(investor=softbank) for _ in range(2)]
    call = InteractionFactory(
        investor=softbank, contacts=people, summary="The $2B round"
    )
    pk = call.pk
    client.force_login(deal_team_user)
    client.post(reverse("admin:notes_interaction_delete", args=[pk]), {"post": "yes"})
    assert not Interaction.objects.filter(pk=pk).exists()

    client.post(restore_url(Interaction, pk))

    restored = Interaction.objects.get(pk=pk)
    assert restored.summary == "The $2B round"
    assert list(restored.contacts.all()) == people
    assert restored.logged_by == call.logged_by


def test_a_restore_that_would_break_a_rule_is_refused_and_changes_nothing(
    client, superuser, alibaba
):
    pk = alibaba.pk
    alibaba.delete()
    InvestorFactory(name="alibaba group")
    before = len(entries(Investor, pk))
    client.force_login(superuser)

    response = client.post(restore_url(Investor, pk))

    assert response.status_code == 302
    assert response["Location"] == deleted_url(Investor)
    assert messages_of(response) == [
        "The investor “Alibaba Group” was not restored: "
        "Name: An investor with this name already exists."
    ]
    assert not Investor.objects.filter(pk=pk).exists()
    assert len(entries(Investor, pk)) == before
    assert [pk for _, pk, _ in listed(client.get(deleted_url(Investor)))] == [pk]


def test_a_stake_whose_investor_was_deleted_meanwhile_is_not_restored(
    client, superuser
):
    stake = StakeFactory(investor=InvestorFactory(name="HOPU Capital"))
    pk, investor = stake.pk, stake.investor
    investor_pk = investor.pk
    stake.delete()
    investor.delete()
    client.force_login(superuser)

    response = client.post(restore_url(Stake, pk))

    assert messages_of(response) == [
        f"The stake “Stake {pk}” was not restored: "
        f"Investor: No longer exists (id {investor_pk}): restore it first."
    ]
    assert not Stake.objects.filter(pk=pk).exists()


def test_restoring_needs_the_add_permission_and_a_post(client, analyst_user):
    hopu = InvestorFactory(name="HOPU Capital")
    pk = hopu.pk
    hopu.delete()
    client.force_login(analyst_user)

    response = client.get(deleted_url(Investor))

    assert [name for name, _, _ in listed(response)] == ["HOPU Capital"]
    assert b"Restore" not in response.content
    assert client.post(restore_url(Investor, pk)).status_code == 403
    assert client.get(restore_url(Investor, pk)).status_code == 405
    assert not Investor.objects.filter(pk=pk).exists()


def test_only_deleted_records_can_be_restored(client, superuser):
    hopu = InvestorFactory(name="HOPU Capital")
    client.force_login(superuser)

    assert client.post(restore_url(Investor, hopu.pk)).status_code == 404
    assert client.post(restore_url(Investor, 999_999)).status_code == 404
    assert client.post(restore_url(Investor, "not-an-id")).status_code == 404


# Ethical walls: a deleted record is listed only to those who could see it.


def test_a_deleted_stake_of_a_hidden_round_is_not_listed_or_restorable_for_a_non_member(
    client, walled, member, outsider
):
    pk = walled["stake"].pk
    walled["stake"].delete()

    client.force_login(outsider)
    assert listed(client.get(deleted_url(Stake))) == []
    assert client.post(restore_url(Stake, pk)).status_code == 404
    assert not Stake.objects.filter(pk=pk).exists()

    client.force_login(member)
    assert [pk for _, pk, _ in listed(client.get(deleted_url(Stake)))] == [pk]
    client.post(restore_url(Stake, pk))
    assert Stake.objects.filter(pk=pk, round=walled["secret"]).exists()


def test_a_deleted_confidential_round_is_listed_to_superusers_only(
    client, walled, member, superuser
):
    public, secret = walled["public"], walled["secret"]
    walled["stake"].delete()
    ids = {"public": public.pk, "secret": secret.pk}
    public.delete()
    secret.delete()

    client.force_login(member)
    assert [pk for _, pk, _ in listed(client.get(deleted_url(FundingRound)))] == [
        ids["public"]
    ]
    client.force_login(superuser)
    assert [pk for _, pk, _ in listed(client.get(deleted_url(FundingRound)))] == [
        ids["secret"],
        ids["public"],
    ]


def test_the_recently_deleted_page_reads_a_fixed_number_of_queries(
    client, superuser, django_assert_num_queries
):
    def delete_a_stake():
        round_ = FundingRoundFactory()
        StakeFactory(round=round_, company=round_.company).delete()

    delete_a_stake()
    delete_a_stake()
    client.force_login(superuser)
    url = deleted_url(Stake)
    # 1: the session, 2: the user, 3: the count, 4: the page, each deleted
    # stake with its investor, company and round (named on the page).
    with django_assert_num_queries(4):
        assert len(listed(client.get(url))) == 2
    delete_a_stake()
    delete_a_stake()
    with django_assert_num_queries(4):
        assert len(listed(client.get(url))) == 4
