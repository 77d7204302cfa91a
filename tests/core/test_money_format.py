"""Money as the admin shows it, and the rate date the API reports with each USD value."""

import datetime
from decimal import Decimal

import pytest

from crm.core import fx
from crm.core.money_format import conversion_note, format_money, format_usd
from crm.portfolio.models import Stake
from tests.factories import ExchangeRateFactory, FundingRoundFactory, StakeFactory


def test_it_formats_whole_units_with_thousands_separators_and_the_currency():
    assert format_usd(Decimal("93000000000.00")) == "USD 93,000,000,000"
    assert format_money(Decimal("7000000000.49"), "CNY") == "CNY 7,000,000,000"
    assert format_money(None, "CNY") is None


def test_a_rate_more_than_45_days_older_than_the_date_is_stale():
    on = datetime.date(2018, 5, 1)

    assert not fx.is_stale(on - datetime.timedelta(days=45), on)
    assert fx.is_stale(on - datetime.timedelta(days=46), on)
    assert not fx.is_stale(None, on)


@pytest.mark.django_db
def test_the_note_names_the_rate_and_its_date_and_warns_when_it_is_stale():
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 4, 1),
    )
    fresh = Stake(currency="CNY", as_of=datetime.date(2018, 5, 1))
    stale = Stake(currency="CNY", as_of=datetime.date(2018, 6, 1))

    assert conversion_note(fresh) == "At 0.15 USD per CNY, the rate of 2018-04-01."
    assert conversion_note(stale) == (
        "At 0.15 USD per CNY, the rate of 2018-04-01. Warning: that rate is more "
        "than 45 days older than the record's date; add a newer rate and save again."
    )
    assert conversion_note(Stake(currency="USD")) == ""


@pytest.mark.django_db
def test_the_api_gives_the_date_of_the_rate_each_stake_and_round_used(api):
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 1, 1),
    )
    round_ = FundingRoundFactory(
        currency="CNY",
        raised_amount=Decimal("1000"),
        announced_on=datetime.date(2018, 5, 1),
    )
    in_cny = StakeFactory(currency="CNY", as_of=datetime.date(2018, 5, 1))
    in_usd = StakeFactory(currency="USD")

    stakes = {
        row["id"]: row["fx_rate_date"]
        for row in api.get("/api/v1/stakes/").json()["results"]
    }
    rounds = api.get("/api/v1/rounds/").json()["results"]

    # 2018-01-01 is four months before 1 May: a client can see it is stale.
    assert stakes == {in_cny.pk: "2018-01-01", in_usd.pk: None}
    assert [(row["id"], row["fx_rate_date"]) for row in rounds] == [
        (round_.pk, "2018-01-01")
    ]


@pytest.mark.django_db
def test_saving_a_stake_converted_with_a_stale_rate_warns_in_the_admin(admin_client):
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 1, 1),
    )
    stake = StakeFactory(currency="CNY", as_of=datetime.date(2018, 5, 1))
    page = admin_client.get(f"/admin/portfolio/stake/{stake.pk}/change/")
    form = page.context["adminform"].form

    response = admin_client.post(
        f"/admin/portfolio/stake/{stake.pk}/change/",
        {
            **{name: form[name].value() or "" for name in form.fields},
            "_opened_version": page.context["opened_version"],
        },
        follow=True,
    )

    warning, saved = [str(message) for message in response.context["messages"]]
    assert warning == (
        "The CNY amounts were converted at the rate of 2018-01-01, more than 45 "
        "days before 2018-05-01: add a newer rate and save again."
    )
    assert saved.endswith("was changed successfully.")
