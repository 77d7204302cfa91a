import pytest
from django.core.exceptions import ValidationError

from crm.core.restore import record_restore
from crm.investors.models import Investor
from crm.notes.models import Interaction
from crm.portfolio.models import Stake
from crm.transfer.merging import merge_records
from tests.api_pages import field_errors
from tests.factories import (
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Alibaba Group and its duplicate, each with people, a stake, a contact and a note."""
    cv = SectorFactory(name="Computer vision", slug="computer-vision")
    fintech = SectorFactory(name="Fintech", slug="fintech")
    survivor = InvestorFactory(name="Alibaba Group", city="Hangzhou", sectors=[cv])
    duplicate = InvestorFactory(
        name="Alibaba Group Holding",
        city="Hangzhou",
        website="https://www.alibabagroup.com",
        sectors=[fintech],
    )
    ContactFactory(investor=survivor, first_name="Jack")
    joe = ContactFactory(investor=duplicate, first_name="Joe")
    StakeFactory(investor=survivor)
    StakeFactory(investor=duplicate)
    InteractionFactory(investor=duplicate, contacts=[joe])
    DealNoteFactory(investor=duplicate)
    return survivor, duplicate


def test_a_merge_moves_every_dependant_and_keeps_the_name_as_an_alias(pair, user):
    survivor, duplicate = pair
    duplicate_pk = duplicate.pk

    merge_records(
        survivor=survivor, others=[duplicate], keep={"website": duplicate}, user=user
    )

    survivor.refresh_from_db()
    assert not Investor.objects.filter(pk=duplicate_pk).exists()
    assert survivor.aliases == ["Alibaba Group Holding"]
    assert survivor.website == "https://www.alibabagroup.com"
    assert sorted(c.first_name for c in survivor.contacts.all()) == ["Jack", "Joe"]
    assert survivor.stakes.count() == 2
    assert survivor.interactions.count() == 1
    assert survivor.notes.count() == 1
    assert sorted(s.slug for s in survivor.sectors.all()) == [
        "computer-vision",
        "fintech",
    ]
    entry = survivor.history.order_by("-history_id").first()
    assert entry.history_change_reason == f"Merged #{duplicate_pk} into it"
    assert entry.history_user == user
    moved = Stake.objects.filter(investor=survivor).order_by("-id").first()
    assert moved.history.order_by("-history_id").first().history_change_reason == (
        f"Merged investor #{duplicate_pk} into #{survivor.pk}"
    )


def test_the_survivors_stored_figures_count_the_moved_stakes(pair):
    survivor, duplicate = pair

    merge_records(survivor=survivor, others=[duplicate])

    assert Investor.objects.with_figures(None).get(pk=survivor.pk).portfolio_count == 2


def test_a_merge_that_would_give_an_investor_two_stakes_in_one_round_stops(pair):
    survivor, duplicate = pair
    round_ = FundingRoundFactory(name="Series C")
    StakeFactory(investor=survivor, company=round_.company, round=round_)
    StakeFactory(investor=duplicate, company=round_.company, round=round_)

    with pytest.raises(ValidationError) as error:
        merge_records(survivor=survivor, others=[duplicate])

    assert "This investor already has a stake in this round." in str(error.value)
    assert Investor.objects.filter(pk=duplicate.pk).exists()
    assert duplicate.stakes.count() == 2


def test_a_merged_away_record_can_be_restored(pair, superuser):
    survivor, duplicate = pair
    duplicate_pk = duplicate.pk
    merge_records(survivor=survivor, others=[duplicate])

    restored = record_restore(model=Investor, pk=duplicate_pk, user=superuser)

    assert restored.name == "Alibaba Group Holding"
    assert Interaction.objects.get().investor == survivor


def test_the_api_merges_others_into_the_investor(api, pair):
    survivor, duplicate = pair

    response = api.post(
        f"/api/v1/investors/{survivor.pk}/merge/",
        {"ids": [duplicate.pk], "keep": {"website": duplicate.pk}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["aliases"] == ["Alibaba Group Holding"]
    assert response.json()["website"] == "https://www.alibabagroup.com"
    assert response.json()["portfolio_count"] == 2


def test_the_api_refuses_a_merge_that_breaks_a_rule_with_the_reason(api, pair):
    survivor, duplicate = pair
    round_ = FundingRoundFactory()
    StakeFactory(investor=survivor, company=round_.company, round=round_)
    StakeFactory(investor=duplicate, company=round_.company, round=round_)

    response = api.post(
        f"/api/v1/investors/{survivor.pk}/merge/",
        {"ids": [duplicate.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert "already has a stake in this round" in str(response.json())


def test_the_api_refuses_unknown_ids_and_fields(api, pair):
    survivor, duplicate = pair

    response = api.post(
        f"/api/v1/investors/{survivor.pk}/merge/",
        {"ids": [duplicate.pk, 999999], "keep": {"colour": duplicate.pk}},
        format="json",
    )

    assert response.status_code == 400
    assert field_errors(response) == {"ids": ["No record with id 999999."]}


def test_an_analyst_cannot_merge(analyst_api, pair):
    survivor, duplicate = pair

    response = analyst_api.post(
        f"/api/v1/investors/{survivor.pk}/merge/",
        {"ids": [duplicate.pk]},
        format="json",
    )

    assert response.status_code == 403
