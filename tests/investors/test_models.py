import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from crm.core.services import record_save
from crm.investors.models import Investor
from crm.portfolio.models import Stake
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ExchangeRateFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db


def at(day, hour=9):
    return datetime.datetime(2018, 7, day, hour, tzinfo=datetime.UTC)


# Constraints


def test_it_rejects_an_investor_name_that_differs_only_in_case():
    InvestorFactory(name="Alibaba Group")

    with pytest.raises(ValidationError) as error:
        record_save(instance=Investor(name="ALIBABA group"))

    assert error.value.message_dict == {
        "name": ["An investor with this name already exists."]
    }
    assert list(Investor.objects.values_list("name", flat=True)) == ["Alibaba Group"]


def test_it_lets_an_investor_keep_its_own_name_when_edited():
    investor = InvestorFactory(name="Alibaba Group")
    investor.city = "Hangzhou"

    record_save(instance=investor)

    investor.refresh_from_db()
    assert investor.city == "Hangzhou"


def test_the_database_refuses_an_investor_name_that_differs_only_in_case():
    InvestorFactory(name="Alibaba Group")

    with pytest.raises(IntegrityError), transaction.atomic():
        Investor.objects.bulk_create([Investor(name="alibaba group")])


def test_it_rejects_a_largest_check_below_the_smallest():
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=Investor(
                name="HOPU Capital",
                check_size_min_usd=Decimal("50000000"),
                check_size_max_usd=Decimal("49999999.99"),
            )
        )

    assert error.value.message_dict == {
        "check_size_max_usd": ["The largest check cannot be smaller than the smallest."]
    }
    assert not Investor.objects.exists()


def test_it_accepts_a_largest_check_equal_to_the_smallest():
    investor = record_save(
        instance=Investor(
            name="HOPU Capital",
            check_size_min_usd=Decimal("50000000"),
            check_size_max_usd=Decimal("50000000"),
        )
    )

    investor.refresh_from_db()
    assert investor.check_size_max_usd == Decimal("50000000.00")


def test_the_database_refuses_a_largest_check_below_the_smallest():
    with pytest.raises(IntegrityError), transaction.atomic():
        Investor.objects.bulk_create(
            [
                Investor(
                    name="HOPU Capital",
                    check_size_min_usd=Decimal("2"),
                    check_size_max_usd=Decimal("1"),
                )
            ]
        )


@pytest.mark.parametrize(
    "field", ["check_size_min_usd", "check_size_max_usd", "aum_usd"]
)
def test_it_rejects_a_negative_investor_amount(field):
    with pytest.raises(ValidationError) as error:
        record_save(instance=Investor(name="HOPU Capital", **{field: Decimal("-1")}))

    assert error.value.message_dict == {field: ["An amount cannot be negative."]}
    assert not Investor.objects.exists()


@pytest.mark.parametrize(
    "field", ["check_size_min_usd", "check_size_max_usd", "aum_usd"]
)
def test_the_database_refuses_a_negative_investor_amount(field):
    investor = InvestorFactory(name="HOPU Capital")

    with pytest.raises(IntegrityError), transaction.atomic():
        Investor.objects.filter(pk=investor.pk).update(**{field: Decimal("-1")})


def test_record_save_stores_the_focus_sectors():
    vision = SectorFactory(name="Computer vision", slug="computer-vision")
    fintech = SectorFactory(name="Fintech", slug="fintech")

    investor = record_save(
        instance=Investor(name="HOPU Capital"),
        many_to_many={"sectors": [vision, fintech]},
    )

    assert set(investor.sectors.all()) == {vision, fintech}


# Derived figures


def test_figures_sum_each_stake_once_whatever_the_number_of_interactions(user):
    ExchangeRateFactory(
        currency="HKD",
        usd_per_unit=Decimal("0.1274"),
        valid_from=datetime.date(2018, 1, 1),
    )
    alibaba = InvestorFactory(name="Alibaba Group")
    sensetime = CompanyFactory(name="SenseTime")
    megvii = CompanyFactory(name="Megvii")
    StakeFactory(
        investor=alibaba,
        company=sensetime,
        amount=Decimal("600000000.10"),
        currency="USD",
    )
    StakeFactory(
        investor=alibaba, company=megvii, amount=Decimal("1000000000"), currency="HKD"
    )
    # Two people present at each of three calls: any join would multiply rows.
    joe, daniel = ContactFactory.create_batch(2, investor=alibaba)
    for day in (2, 5, 3):
        InteractionFactory(
            investor=alibaba,
            occurred_at=at(day),
            contacts=[joe, daniel],
            logged_by=user,
        )

    figures = Investor.objects.with_figures().get(pk=alibaba.pk)

    assert figures.total_stake_usd == Decimal("727400000.10")
    assert figures.largest_stake_usd == Decimal("600000000.10")
    assert figures.portfolio_count == 2
    assert figures.last_interaction_at == at(5)


def test_figures_count_a_company_once_however_many_stakes_in_it():
    investor = InvestorFactory(name="SoftBank Vision Fund")
    sensetime = CompanyFactory(name="SenseTime")
    StakeFactory(investor=investor, company=sensetime, amount=Decimal("300000000"))
    StakeFactory(investor=investor, company=sensetime, amount=Decimal("700000000"))

    figures = Investor.objects.with_figures().get(pk=investor.pk)

    assert figures.portfolio_count == 1
    assert figures.total_stake_usd == Decimal("1000000000")
    assert figures.largest_stake_usd == Decimal("700000000")


def test_figures_leave_out_declined_stakes():
    investor = InvestorFactory(name="Silver Lake Partners")
    StakeFactory(
        investor=investor, amount=Decimal("200000000"), status=Stake.Status.CLOSED
    )
    StakeFactory(
        investor=investor, amount=Decimal("900000000"), status=Stake.Status.DECLINED
    )

    figures = Investor.objects.with_figures().get(pk=investor.pk)

    assert figures.total_stake_usd == Decimal("200000000")
    assert figures.largest_stake_usd == Decimal("200000000")
    assert figures.portfolio_count == 1


def test_figures_of_an_investor_without_stakes_or_interactions():
    investor = InvestorFactory(name="Fidelity International")

    figures = Investor.objects.with_figures().get(pk=investor.pk)

    assert figures.total_stake_usd == 0
    assert figures.largest_stake_usd is None
    assert figures.portfolio_count == 0
    assert figures.last_interaction_at is None


def test_figures_of_one_investor_do_not_include_another_investors_rows(user):
    alibaba = InvestorFactory(name="Alibaba Group")
    fidelity = InvestorFactory(name="Fidelity International")
    StakeFactory(investor=alibaba, amount=Decimal("600000000"))
    InteractionFactory(investor=alibaba, occurred_at=at(9), logged_by=user)
    StakeFactory(investor=fidelity, amount=Decimal("100000000"))
    InteractionFactory(investor=fidelity, occurred_at=at(4), logged_by=user)

    figures = {
        investor.name: (
            investor.total_stake_usd,
            investor.largest_stake_usd,
            investor.portfolio_count,
            investor.last_interaction_at,
        )
        for investor in Investor.objects.with_figures()
    }

    assert figures == {
        "Alibaba Group": (Decimal("600000000"), Decimal("600000000"), 1, at(9)),
        "Fidelity International": (
            Decimal("100000000"),
            Decimal("100000000"),
            1,
            at(4),
        ),
    }


# Sector filter


def test_in_sectors_finds_investors_focused_on_a_sub_sector_once(sector_tree, faces):
    ai, vision, fintech = sector_tree
    # Two focus sectors in the same branch must not list the investor twice.
    alibaba = InvestorFactory(name="Alibaba Group", sectors=[vision, faces])
    hopu = InvestorFactory(name="HOPU Capital", sectors=[ai])
    InvestorFactory(name="Fidelity International", sectors=[fintech])
    InvestorFactory(name="Silver Lake Partners")

    assert list(Investor.objects.in_sectors([ai])) == [alibaba, hopu]
    assert list(Investor.objects.in_sectors([faces])) == [alibaba]
