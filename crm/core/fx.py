"""Conversion of amounts to US dollars with the rates on file."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import DateField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.core.currencies import USD
from crm.core.models import ExchangeRate

CENT = Decimal("0.01")


class MissingExchangeRate(ValidationError):
    """No rate for a currency on or before a date."""


def usd_per_unit(currency: str, on: datetime.date) -> Decimal:
    """The rate with the latest `valid_from` on or before `on`; USD is always 1."""
    if currency == USD:
        return Decimal(1)
    rate = (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("usd_per_unit", flat=True)
        .first()
    )
    if rate is None:
        raise MissingExchangeRate(
            f"No exchange rate for {currency} on or before {on.isoformat()}.",
            code="missing_exchange_rate",
        )
    return rate


def to_usd(
    amount: Decimal | None, currency: str, on: datetime.date | None
) -> Decimal | None:
    """`amount` in US dollars, rounded to cents; `on` defaults to today."""
    if amount is None:
        return None
    on = on or timezone.localdate()
    return (amount * usd_per_unit(currency, on)).quantize(CENT, rounding=ROUND_HALF_UP)


# A rate this much older than the record's date is "stale": the admin warns
# and the API's `fx_rate_date` lets a client see it.
STALE_AFTER = datetime.timedelta(days=45)


def rate_used(currency: str, on: datetime.date | None) -> ExchangeRate | None:
    """The rate on file that converts `currency` on `on` (today if None).

    None for US dollars (nothing to convert) and when no rate is on file.
    """
    if currency == USD:
        return None
    return (
        ExchangeRate.objects.filter(
            currency=currency, valid_from__lte=on or timezone.localdate()
        )
        .order_by("-valid_from")
        .first()
    )


def is_stale(rate_date: datetime.date | None, on: datetime.date | None) -> bool:
    """Whether a rate from `rate_date` is too old to convert an amount dated `on`."""
    if rate_date is None:
        return False
    return (on or timezone.localdate()) - rate_date > STALE_AFTER


def rate_date_subquery(currency: str = "currency", on: str = "as_of"):
    """The `valid_from` of the rate each row was converted with, as a subquery.

    `currency` and `on` name the row's fields; a row without a date was
    converted at today's rate, as `to_usd` does. NULL for US dollars.
    """
    day = Coalesce(OuterRef(on), Value(timezone.localdate()))
    return Subquery(
        ExchangeRate.objects.filter(currency=OuterRef(currency), valid_from__lte=day)
        .exclude(currency=USD)
        .order_by("-valid_from")
        .values("valid_from")[:1],
        output_field=DateField(),
    )
