"""Conversion of amounts to US dollars with the rates on file."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
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
