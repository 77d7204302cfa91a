import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.core.services import record_save
from crm.portfolio.models import Company, FundingRound, Stake
from tests.factories import (
    CompanyFactory,
    ExchangeRateFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db

ROUND_AMOUNTS = (
    "target_amount",
    "raised_amount",
    "pre_money_valuation",
    "post_money_valuation",
)


# Company


def test_it_rejects_a_company_name_that_differs_only_in_case():
    CompanyFactory(name="SenseTime")

    with pytest.raises(ValidationError) as error:
        record_save(instance=Company(name="sensetime"))

    assert error.value.message_dict == {
        "name": ["A company with this name already exists."]
    }
    assert list(Company.objects.values_list("name", flat=True)) == ["SenseTime"]


def test_the_database_refuses_a_company_name_that_differs_only_in_case():
    CompanyFactory(name="SenseTime")

    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.bulk_create([Company(name="SENSETIME")])


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (1599, "Ensure this value is greater than or equal to 1600."),
        (2101, "Ensure this value is less than or equal to 2100."),
    ],
)
def test_it_rejects_a_founding_year_out_of_range(year, message):
    with pytest.raises(ValidationError) as error:
        record_save(instance=Company(name="SenseTime", founded_year=year))

    assert error.value.message_dict == {"founded_year": [message]}
    assert not Company.objects.exists()


@pytest.mark.parametrize("year", [1600, 2014, 2100])
def test_it_accepts_a_founding_year_in_range(year):
    company = record_save(instance=Company(name="SenseTime", founded_year=year))

    company.refresh_from_db()
    assert company.founded_year == year


def test_the_founding_year_constraint_reports_on_the_founding_year():
    # The field's validators speak first; call the constraint on its own.
    company = Company(name="SenseTime", founded_year=1500)

    with pytest.raises(ValidationError) as error:
        company.validate_constraints()

    assert error.value.message_dict == {
        "founded_year": ["Give a founding year between 1600 and 2100."]
    }


@pytest.mark.parametrize("year", [1599, 2101])
def test_the_database_refuses_a_founding_year_out_of_range(year):
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.bulk_create([Company(name="SenseTime", founded_year=year)])


@pytest.mark.parametrize("aliases", ["Face++", ["Face++", ""], [42]])
def test_it_rejects_aliases_that_are_not_a_list_of_names(aliases):
    with pytest.raises(ValidationError) as error:
        record_save(instance=Company(name="Megvii", aliases=aliases))

    assert error.value.message_dict == {
        "aliases": ["Give the other names as a list of non-empty strings."]
    }
    assert not Company.objects.exists()


def test_matching_finds_a_company_by_an_alias_in_any_case():
    megvii = CompanyFactory(name="Megvii", aliases=["Face++", "Kuangshi"])
    CompanyFactory(name="SenseTime", aliases=["Shangtang"])

    assert list(Company.objects.matching("face++")) == [megvii]
    assert list(Company.objects.matching("KUANGSHI")) == [megvii]


def test_matching_finds_a_company_by_part_of_its_name_in_any_case():
    CompanyFactory(name="Megvii", aliases=["Face++"])
    sensetime = CompanyFactory(name="SenseTime")

    assert list(Company.objects.matching("senset")) == [sensetime]


def test_matching_finds_nothing_for_an_unknown_name():
    CompanyFactory(name="Megvii", aliases=["Face++"])

    assert list(Company.objects.matching("Yitu")) == []


def test_in_sectors_finds_companies_in_sub_sectors(sector_tree, faces):
    ai, vision, fintech = sector_tree
    megvii = CompanyFactory(name="Megvii", sector=faces)
    sensetime = CompanyFactory(name="SenseTime", sector=vision)
    CompanyFactory(name="Ant Financial", sector=fintech)
    CompanyFactory(name="No sector yet")

    assert list(Company.objects.in_sectors([ai])) == [megvii, sensetime]
    assert list(Company.objects.in_sectors([faces])) == [megvii]


def test_company_figures_sum_raised_amounts_of_rounds_not_cancelled():
    sensetime = CompanyFactory(name="SenseTime")
    for name, status, raised in [
        ("Series B", FundingRound.Status.CLOSED, Decimal("410000000")),
        ("Series C", FundingRound.Status.CLOSED, Decimal("600000000.50")),
        ("Series C+", FundingRound.Status.OPEN, Decimal("620000000")),
        ("Bridge", FundingRound.Status.CANCELLED, Decimal("50000000")),
        ("Series D", FundingRound.Status.PLANNED, None),
    ]:
        FundingRoundFactory(
            company=sensetime, name=name, status=status, raised_amount=raised
        )
    other = CompanyFactory(name="Megvii")
    FundingRoundFactory(company=other, raised_amount=Decimal("460000000"))

    figures = Company.objects.with_figures().get(pk=sensetime.pk)

    assert figures.total_raised_usd == Decimal("1630000000.50")


def test_company_figures_take_the_post_money_of_the_latest_round_with_one():
    sensetime = CompanyFactory(name="SenseTime")
    FundingRoundFactory(
        company=sensetime,
        name="Series B",
        announced_on=datetime.date(2017, 7, 11),
        pre_money_valuation=Decimal("1000000000"),
        post_money_valuation=Decimal("1500000000"),
    )
    FundingRoundFactory(
        company=sensetime,
        name="Series C",
        announced_on=datetime.date(2018, 4, 9),
        pre_money_valuation=Decimal("3900000000"),
        post_money_valuation=Decimal("4500000000"),
    )
    # Later, but cancelled, without a valuation, or with no date: none counts.
    FundingRoundFactory(
        company=sensetime,
        name="Bridge",
        status=FundingRound.Status.CANCELLED,
        announced_on=datetime.date(2018, 5, 1),
        post_money_valuation=Decimal("9000000000"),
    )
    FundingRoundFactory(
        company=sensetime,
        name="Series D",
        status=FundingRound.Status.PLANNED,
        announced_on=datetime.date(2018, 7, 1),
    )
    FundingRoundFactory(
        company=sensetime,
        name="Rumoured",
        status=FundingRound.Status.PLANNED,
        announced_on=None,
        post_money_valuation=Decimal("6000000000"),
    )

    figures = Company.objects.with_figures().get(pk=sensetime.pk)

    assert figures.latest_valuation_usd == Decimal("4500000000")


def test_company_figures_of_a_company_without_rounds():
    company = CompanyFactory(name="Megvii")

    figures = Company.objects.with_figures().get(pk=company.pk)

    assert figures.total_raised_usd == 0
    assert figures.latest_valuation_usd is None


# FundingRound


def test_it_rejects_a_round_name_a_company_already_uses_in_another_case():
    sensetime = CompanyFactory(name="SenseTime")
    FundingRoundFactory(company=sensetime, name="Series C")

    with pytest.raises(ValidationError) as error:
        record_save(instance=FundingRound(company=sensetime, name="SERIES C"))

    assert error.value.message_dict == {
        "name": ["This company already has a round with this name."]
    }
    assert sensetime.rounds.count() == 1


def test_it_accepts_the_same_round_name_at_two_companies():
    FundingRoundFactory(company=CompanyFactory(name="SenseTime"), name="Series C")

    record_save(
        instance=FundingRound(company=CompanyFactory(name="Megvii"), name="Series C")
    )

    assert FundingRound.objects.filter(name="Series C").count() == 2


def test_the_database_refuses_a_round_name_a_company_already_uses():
    sensetime = CompanyFactory(name="SenseTime")
    FundingRoundFactory(company=sensetime, name="Series C")

    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRound.objects.bulk_create(
            [FundingRound(company=sensetime, name="series c")]
        )


def test_it_rejects_a_round_closed_before_it_was_announced():
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=FundingRound(
                company=CompanyFactory(name="SenseTime"),
                name="Series C",
                announced_on=datetime.date(2018, 5, 31),
                closed_on=datetime.date(2018, 5, 30),
            )
        )

    assert error.value.message_dict == {
        "closed_on": ["A round cannot close before it was announced."]
    }
    assert not FundingRound.objects.exists()


def test_it_accepts_a_round_closed_on_the_day_it_was_announced():
    funding_round = FundingRoundFactory(
        announced_on=datetime.date(2018, 5, 31), closed_on=datetime.date(2018, 5, 31)
    )

    funding_round.refresh_from_db()
    assert funding_round.closed_on == datetime.date(2018, 5, 31)


def test_the_database_refuses_a_round_closed_before_it_was_announced():
    funding_round = FundingRoundFactory(announced_on=datetime.date(2018, 5, 31))

    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRound.objects.filter(pk=funding_round.pk).update(
            closed_on=datetime.date(2018, 5, 30)
        )


def test_it_rejects_a_post_money_valuation_below_the_pre_money():
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=FundingRound(
                company=CompanyFactory(name="SenseTime"),
                name="Series C",
                pre_money_valuation=Decimal("4500000000"),
                post_money_valuation=Decimal("3900000000"),
            )
        )

    assert error.value.message_dict == {
        "post_money_valuation": [
            "The post-money valuation cannot be below the pre-money valuation."
        ]
    }
    assert not FundingRound.objects.exists()


def test_the_database_refuses_a_post_money_valuation_below_the_pre_money():
    funding_round = FundingRoundFactory(
        pre_money_valuation=Decimal("3900000000"),
        post_money_valuation=Decimal("4500000000"),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRound.objects.filter(pk=funding_round.pk).update(
            post_money_valuation=Decimal("3800000000"),
            post_money_valuation_usd=Decimal("3800000000"),
        )


@pytest.mark.parametrize("field", ROUND_AMOUNTS)
def test_it_rejects_a_negative_round_amount(field):
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=FundingRound(
                company=CompanyFactory(name="SenseTime"),
                name="Series C",
                **{field: Decimal("-1")},
            )
        )

    assert error.value.message_dict == {field: ["An amount cannot be negative."]}
    assert not FundingRound.objects.exists()


@pytest.mark.parametrize("field", ROUND_AMOUNTS)
def test_the_database_refuses_a_negative_round_amount(field):
    funding_round = FundingRoundFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRound.objects.filter(pk=funding_round.pk).update(
            **{field: Decimal("-1"), f"{field}_usd": Decimal("-1")}
        )


@pytest.mark.parametrize("field", ROUND_AMOUNTS)
def test_the_database_refuses_a_round_amount_without_its_usd_value(field):
    company = CompanyFactory(name="SenseTime")

    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRound.objects.bulk_create(
            [FundingRound(company=company, name="Series C", **{field: Decimal("1")})]
        )


def test_the_database_refuses_a_round_currency_that_is_not_three_capitals():
    company = CompanyFactory(name="SenseTime")

    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRound.objects.bulk_create(
            [FundingRound(company=company, name="Series C", currency="cny")]
        )


def test_a_round_stores_every_amount_in_usd_at_the_rate_of_its_announcement(
    cny_rates,
):
    funding_round = record_save(
        instance=FundingRound(
            company=CompanyFactory(name="SenseTime"),
            name="Series C",
            currency="CNY",
            announced_on=datetime.date(2018, 5, 31),
            target_amount=Decimal("10000000000"),
            raised_amount=Decimal("4000000000"),
            pre_money_valuation=Decimal("26000000000"),
            post_money_valuation=Decimal("30000000000.03"),
        )
    )

    funding_round.refresh_from_db()
    assert (
        funding_round.target_amount_usd,
        funding_round.raised_amount_usd,
        funding_round.pre_money_valuation_usd,
        funding_round.post_money_valuation_usd,
    ) == (
        Decimal("1500000000.00"),
        Decimal("600000000.00"),
        Decimal("3900000000.00"),
        Decimal("4500000000.00"),
    )


def test_a_round_leaves_the_usd_value_of_a_missing_amount_empty(cny_rates):
    funding_round = record_save(
        instance=FundingRound(
            company=CompanyFactory(name="SenseTime"),
            name="Series C",
            currency="CNY",
            announced_on=datetime.date(2018, 6, 1),
            raised_amount=Decimal("1000"),
        )
    )

    funding_round.refresh_from_db()
    assert funding_round.raised_amount_usd == Decimal("160.00")
    assert funding_round.target_amount_usd is None
    assert funding_round.pre_money_valuation_usd is None
    assert funding_round.post_money_valuation_usd is None


def test_a_round_without_an_announcement_date_uses_todays_rate():
    today = timezone.localdate()
    ExchangeRateFactory(
        currency="EUR",
        usd_per_unit=Decimal("1.10"),
        valid_from=datetime.date(2018, 1, 1),
    )
    ExchangeRateFactory(currency="EUR", usd_per_unit=Decimal("1.20"), valid_from=today)
    ExchangeRateFactory(
        currency="EUR",
        usd_per_unit=Decimal("9.99"),
        valid_from=today + datetime.timedelta(days=1),
    )

    funding_round = record_save(
        instance=FundingRound(
            company=CompanyFactory(name="SenseTime"),
            name="Series D",
            currency="EUR",
            announced_on=None,
            target_amount=Decimal("100"),
        )
    )

    funding_round.refresh_from_db()
    assert funding_round.target_amount_usd == Decimal("120.00")


def test_a_round_updates_its_usd_value_when_the_amount_changes(cny_rates):
    funding_round = FundingRoundFactory(
        currency="CNY",
        announced_on=datetime.date(2018, 5, 31),
        raised_amount=Decimal("1000"),
    )
    funding_round.raised_amount = Decimal("2000")

    record_save(instance=funding_round)

    funding_round.refresh_from_db()
    assert funding_round.raised_amount_usd == Decimal("300.00")


def test_a_round_updates_its_usd_value_when_its_date_moves_to_another_rate(
    cny_rates,
):
    funding_round = FundingRoundFactory(
        currency="CNY",
        announced_on=datetime.date(2018, 5, 31),
        raised_amount=Decimal("1000"),
    )
    funding_round.announced_on = datetime.date(2018, 6, 1)

    record_save(instance=funding_round)

    funding_round.refresh_from_db()
    assert funding_round.raised_amount_usd == Decimal("160.00")


def test_a_round_in_a_currency_without_a_rate_for_its_date_is_rejected(cny_rates):
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=FundingRound(
                company=CompanyFactory(name="SenseTime"),
                name="Series C",
                currency="CNY",
                announced_on=datetime.date(2017, 12, 31),
                raised_amount=Decimal("1000"),
            )
        )

    assert error.value.message_dict == {
        "currency": ["No exchange rate for CNY on or before 2017-12-31."]
    }
    assert not FundingRound.objects.exists()


def test_a_round_without_a_date_or_a_rate_names_today():
    today = timezone.localdate()

    with pytest.raises(ValidationError) as error:
        record_save(
            instance=FundingRound(
                company=CompanyFactory(name="SenseTime"),
                name="Series D",
                currency="GBP",
                announced_on=None,
                target_amount=Decimal("1000"),
            )
        )

    assert error.value.message_dict == {
        "currency": [f"No exchange rate for GBP on or before {today.isoformat()}."]
    }
    assert not FundingRound.objects.exists()


def test_a_round_without_amounts_needs_no_rate():
    funding_round = record_save(
        instance=FundingRound(
            company=CompanyFactory(name="SenseTime"), name="Series D", currency="GBP"
        )
    )

    assert FundingRound.objects.get() == funding_round


# Stake


def test_it_rejects_a_stake_through_a_round_of_another_company():
    investor = InvestorFactory(name="Alibaba Group")
    megvii_round = FundingRoundFactory(company=CompanyFactory(name="Megvii"))

    with pytest.raises(ValidationError) as error:
        record_save(
            instance=Stake(
                investor=investor,
                company=CompanyFactory(name="SenseTime"),
                round=megvii_round,
                amount=Decimal("1"),
            )
        )

    assert error.value.message_dict == {
        "round": ["This round belongs to another company."]
    }
    assert not Stake.objects.exists()


def test_it_accepts_a_stake_through_a_round_of_its_company():
    sensetime = CompanyFactory(name="SenseTime")
    series_c = FundingRoundFactory(company=sensetime, name="Series C")

    stake = StakeFactory(company=sensetime, round=series_c)

    assert Stake.objects.get().round == series_c == stake.round


def test_it_rejects_a_second_stake_of_an_investor_in_the_same_round():
    alibaba = InvestorFactory(name="Alibaba Group")
    series_c = FundingRoundFactory(name="Series C")
    StakeFactory(investor=alibaba, company=series_c.company, round=series_c)

    with pytest.raises(ValidationError) as error:
        record_save(
            instance=Stake(
                investor=alibaba,
                company=series_c.company,
                round=series_c,
                amount=Decimal("2"),
                as_of=datetime.date(2018, 5, 1),
            )
        )

    assert error.value.message_dict == {
        "round": ["This investor already has a stake in this round."]
    }
    assert Stake.objects.count() == 1


def test_the_database_refuses_a_second_stake_of_an_investor_in_the_same_round():
    alibaba = InvestorFactory(name="Alibaba Group")
    series_c = FundingRoundFactory(name="Series C")
    StakeFactory(investor=alibaba, company=series_c.company, round=series_c)

    with pytest.raises(IntegrityError), transaction.atomic():
        Stake.objects.bulk_create(
            [Stake(investor=alibaba, company=series_c.company, round=series_c)]
        )


def test_it_accepts_two_stakes_of_an_investor_without_a_round():
    alibaba = InvestorFactory(name="Alibaba Group")
    sensetime = CompanyFactory(name="SenseTime")
    StakeFactory(investor=alibaba, company=sensetime, round=None)

    StakeFactory(investor=alibaba, company=sensetime, round=None)
    Stake.objects.bulk_create([Stake(investor=alibaba, company=sensetime, round=None)])

    assert Stake.objects.filter(investor=alibaba, round=None).count() == 3


def test_it_accepts_stakes_of_two_investors_in_the_same_round():
    series_c = FundingRoundFactory(name="Series C")
    StakeFactory(
        investor__name="Alibaba Group", company=series_c.company, round=series_c
    )

    StakeFactory(
        investor__name="HOPU Capital", company=series_c.company, round=series_c
    )

    assert series_c.stakes.count() == 2


@pytest.mark.parametrize("ownership", [Decimal("-0.01"), Decimal("100.01")])
def test_it_rejects_ownership_outside_0_to_100(ownership):
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=Stake(
                investor=InvestorFactory(name="Alibaba Group"),
                company=CompanyFactory(name="SenseTime"),
                ownership_pct=ownership,
            )
        )

    assert error.value.message_dict == {
        "ownership_pct": ["Ownership must be between 0 and 100 percent."]
    }
    assert not Stake.objects.exists()


@pytest.mark.parametrize("ownership", [Decimal("0"), Decimal("100")])
def test_it_accepts_ownership_at_the_bounds(ownership):
    stake = StakeFactory(ownership_pct=ownership)

    stake.refresh_from_db()
    assert stake.ownership_pct == ownership


@pytest.mark.parametrize("ownership", [Decimal("-0.01"), Decimal("100.01")])
def test_the_database_refuses_ownership_outside_0_to_100(ownership):
    stake = StakeFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Stake.objects.filter(pk=stake.pk).update(ownership_pct=ownership)


def test_it_rejects_a_negative_stake_amount():
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=Stake(
                investor=InvestorFactory(name="Alibaba Group"),
                company=CompanyFactory(name="SenseTime"),
                amount=Decimal("-1"),
            )
        )

    assert error.value.message_dict == {"amount": ["An amount cannot be negative."]}
    assert not Stake.objects.exists()


def test_the_database_refuses_a_negative_stake_amount():
    stake = StakeFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Stake.objects.filter(pk=stake.pk).update(
            amount=Decimal("-1"), amount_usd=Decimal("-1")
        )


def test_the_database_refuses_a_stake_amount_without_its_usd_value():
    stake = StakeFactory(amount=Decimal("1000"))

    with pytest.raises(IntegrityError), transaction.atomic():
        Stake.objects.filter(pk=stake.pk).update(amount_usd=None)


def test_the_database_refuses_a_stake_currency_that_is_not_three_capitals():
    stake = StakeFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Stake.objects.filter(pk=stake.pk).update(currency="usd")


def test_a_stake_updates_its_usd_value_when_the_amount_changes(cny_rates):
    stake = StakeFactory(
        currency="CNY", amount=Decimal("1000"), as_of=datetime.date(2018, 6, 30)
    )
    assert stake.amount_usd == Decimal("160.00")
    stake.amount = Decimal("1234.56")

    record_save(instance=stake)

    stake.refresh_from_db()
    assert stake.amount_usd == Decimal("197.53")


def test_a_stake_takes_the_rate_of_its_as_of_date(cny_rates):
    stake = StakeFactory(
        currency="CNY", amount=Decimal("1000"), as_of=datetime.date(2018, 6, 30)
    )
    stake.as_of = datetime.date(2018, 5, 31)

    record_save(instance=stake)

    stake.refresh_from_db()
    assert stake.amount_usd == Decimal("150.00")


def test_a_stake_without_an_amount_has_no_usd_value():
    stake = StakeFactory(amount=None, currency="GBP")

    stake.refresh_from_db()
    assert stake.amount_usd is None


def test_stakes_in_sectors_include_sub_sectors(sector_tree):
    ai, vision, fintech = sector_tree
    alibaba = InvestorFactory(name="Alibaba Group", sectors=[ai, vision])
    in_vision = StakeFactory(
        investor=alibaba,
        company=CompanyFactory(name="SenseTime", sector=vision),
        as_of=datetime.date(2018, 5, 1),
    )
    in_ai = StakeFactory(
        investor=alibaba,
        company=CompanyFactory(name="Megvii", sector=ai),
        as_of=datetime.date(2018, 4, 1),
    )
    StakeFactory(investor=alibaba, company=CompanyFactory(name="Ant", sector=fintech))

    assert list(Stake.objects.in_sectors([ai])) == [in_vision, in_ai]
    assert list(Stake.objects.in_sectors([vision])) == [in_vision]
