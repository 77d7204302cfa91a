import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.core import fx
from crm.core.services import record_save
from crm.portfolio.models import Stake
from tests.factories import CompanyFactory, ExchangeRateFactory, InvestorFactory

pytestmark = pytest.mark.django_db


def test_it_uses_the_latest_rate_on_or_before_the_date():
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.14"),
        valid_from=datetime.date(2018, 1, 1),
    )
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.16"),
        valid_from=datetime.date(2018, 6, 1),
    )
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.20"),
        valid_from=datetime.date(2019, 1, 1),
    )

    assert fx.usd_per_unit("CNY", datetime.date(2018, 5, 31)) == Decimal("0.14")
    assert fx.usd_per_unit("CNY", datetime.date(2018, 6, 1)) == Decimal("0.16")
    assert fx.usd_per_unit("CNY", datetime.date(2018, 12, 31)) == Decimal("0.16")


def test_usd_is_always_one_without_a_rate_on_file():
    assert fx.to_usd(Decimal("12.345"), "USD", datetime.date(2018, 1, 1)) == Decimal(
        "12.35"
    )


def test_it_rounds_to_cents_half_up():
    ExchangeRateFactory(
        currency="JPY",
        usd_per_unit=Decimal("0.009"),
        valid_from=datetime.date(2018, 1, 1),
    )

    assert fx.to_usd(Decimal("1005"), "JPY", datetime.date(2018, 2, 1)) == Decimal(
        "9.05"
    )


def test_it_names_the_currency_and_date_when_no_rate_applies():
    ExchangeRateFactory(
        currency="EUR",
        usd_per_unit=Decimal("1.2"),
        valid_from=datetime.date(2018, 6, 1),
    )

    with pytest.raises(fx.MissingExchangeRate) as error:
        fx.usd_per_unit("EUR", datetime.date(2018, 5, 31))

    assert error.value.messages == ["No exchange rate for EUR on or before 2018-05-31."]


def test_a_stake_stores_its_usd_value_at_the_rate_of_its_date():
    ExchangeRateFactory(
        currency="HKD",
        usd_per_unit=Decimal("0.1274"),
        valid_from=datetime.date(2018, 1, 1),
    )
    ExchangeRateFactory(
        currency="HKD",
        usd_per_unit=Decimal("0.1300"),
        valid_from=datetime.date(2018, 7, 1),
    )

    stake = record_save(
        instance=Stake(
            investor=InvestorFactory(),
            company=CompanyFactory(),
            amount=Decimal("1000000"),
            currency="HKD",
            as_of=datetime.date(2018, 6, 30),
        )
    )

    stake.refresh_from_db()
    assert stake.amount_usd == Decimal("127400.00")


def test_a_stake_in_a_currency_without_a_rate_is_rejected_on_its_currency():
    stake = Stake(
        investor=InvestorFactory(),
        company=CompanyFactory(),
        amount=Decimal("5"),
        currency="GBP",
        as_of=datetime.date(2018, 3, 1),
    )

    with pytest.raises(ValidationError) as error:
        record_save(instance=stake)

    assert error.value.message_dict == {
        "currency": ["No exchange rate for GBP on or before 2018-03-01."]
    }
    assert not Stake.objects.exists()
