"""Whatever changes a record's API representation moves its updated_at and its ETag."""

import datetime
from decimal import Decimal

import pytest

from crm.core.services import record_save
from crm.integrations import resources
from crm.integrations.models import ChangeEntry
from crm.investors.models import Investor
from crm.portfolio.models import Company
from crm.portfolio.services import round_save, stake_save
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db

EARLY = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def made_old(*records):
    """Set the records' updated_at far back, so any move shows; forget their entries."""
    for record in records:
        type(record).objects.filter(pk=record.pk).update(updated_at=EARLY)
        ChangeEntry.objects.filter(record_id=record.pk).delete()


def moved(record):
    return type(record).objects.get(pk=record.pk).updated_at > EARLY


def entries(resource, record):
    return list(
        ChangeEntry.objects.filter(resource=resource, record_id=record.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_deleting_a_sector_moves_its_investors_etag(admin_api):
    vision = SectorFactory(name="Vision", slug="vision")
    alibaba = InvestorFactory(name="Alibaba", sectors=[vision])
    bystander = InvestorFactory(name="Bystander")
    old_etag = admin_api.get(f"/api/v1/investors/{alibaba.pk}/")["ETag"]
    made_old(alibaba, bystander)

    assert admin_api.delete(f"/api/v1/sectors/{vision.pk}/").status_code == 204

    response = admin_api.get(
        f"/api/v1/investors/{alibaba.pk}/", HTTP_IF_NONE_MATCH=old_etag
    )
    assert response.status_code == 200
    assert response.json()["sectors"] == []
    assert moved(alibaba)
    assert not moved(bystander)
    assert entries("investors", alibaba) == ["updated"]


def test_renaming_a_sector_moves_its_investors_and_companies(admin_api):
    vision = SectorFactory(name="Vision", slug="vision")
    alibaba = InvestorFactory(name="Alibaba", sectors=[vision])
    sensetime = CompanyFactory(name="SenseTime", sector=vision)
    made_old(alibaba, sensetime)

    admin_api.patch(
        f"/api/v1/sectors/{vision.pk}/", {"name": "Computer vision", "slug": "cv"}
    )

    assert moved(alibaba)
    assert moved(sensetime)
    assert entries("investors", alibaba) == ["updated"]
    assert entries("companies", sensetime) == ["updated"]


def test_a_sector_change_its_holders_do_not_show_moves_nothing():
    vision = SectorFactory(name="Vision", slug="vision")
    alibaba = InvestorFactory(name="Alibaba", sectors=[vision])
    made_old(alibaba)
    vision.parent = SectorFactory(name="AI", slug="ai")
    record_save(instance=vision)
    assert not moved(alibaba)


def test_a_stake_written_moves_its_investor_old_and_new():
    alibaba, softbank = InvestorFactory(name="Alibaba"), InvestorFactory(name="SB")
    stake = StakeFactory(investor=alibaba)
    made_old(alibaba, softbank)
    stake.investor = softbank
    stake_save(stake=stake)
    assert moved(alibaba)
    assert moved(softbank)
    assert Investor.objects.get(pk=softbank.pk).all_stake_total_usd == Decimal(
        "1000000.00"
    )


def test_logging_a_contact_moves_the_investors_last_contact(deal_team_user):
    alibaba = InvestorFactory(name="Alibaba")
    made_old(alibaba)
    InteractionFactory(investor=alibaba, logged_by=deal_team_user)
    assert moved(alibaba)


def test_rewording_a_contact_leaves_the_investor_alone(deal_team_user):
    interaction = InteractionFactory(logged_by=deal_team_user)
    made_old(interaction.investor)
    interaction.summary = "Call about Series D"
    record_save(instance=interaction)
    assert not moved(interaction.investor)


def test_a_round_raised_moves_its_company():
    round_ = FundingRoundFactory(raised_amount=Decimal(600_000_000))
    made_old(round_.company)
    round_.raised_amount = Decimal(620_000_000)
    # Through the round's service, which keeps the company's stored figures.
    round_save(funding_round=round_)
    assert moved(round_.company)
    assert Company.objects.with_figures().get(
        pk=round_.company_id
    ).total_raised_usd == Decimal("620000000.00")


def test_a_round_made_confidential_moves_its_stakes_investors(superuser):
    round_ = FundingRoundFactory()
    stake = StakeFactory(company=round_.company, round=round_)
    made_old(stake.investor, stake)
    round_.confidential = True
    record_save(instance=round_)
    assert moved(stake.investor)
    assert entries("stakes", stake) == ["updated"]


@pytest.mark.parametrize("resource", resources.names())
def test_every_list_orders_by_updated_at_ties_by_id(admin_api, resource):
    response = admin_api.get(f"/api/v1/{resource}/?ordering=-updated_at")
    assert response.status_code == 200, response.content
    rows = [(row["updated_at"], row["id"]) for row in response.json()["results"]]
    assert rows == sorted(rows, reverse=True)


def test_a_record_touched_by_a_cascade_comes_first_in_updated_at_order(admin_api):
    vision = SectorFactory(name="Vision", slug="vision")
    touched = InvestorFactory(name="Alibaba", sectors=[vision])
    InvestorFactory(name="Baidu")
    made_old(touched)
    admin_api.patch(f"/api/v1/sectors/{vision.pk}/", {"slug": "cv"})
    listed = admin_api.get("/api/v1/investors/?ordering=-updated_at").json()
    assert [row["name"] for row in listed["results"]] == ["Alibaba", "Baidu"]
