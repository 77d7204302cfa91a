"""Money fields: an amount in its own currency plus its stored USD value.

Every amount is a decimal in the record's `currency`, and `<field>_usd` holds
the same amount in US dollars at the rate of the record's date (see
crm.core.fx). Filters and totals compare the USD values.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core import fx
from crm.core.constraints import DerivedValueConstraint, FieldCheckConstraint

MAX_DIGITS = 20
DECIMAL_PLACES = 2
# Sums of amounts (an investor's total, a company's raised) have room for a
# few more digits than one amount.
SUM_MAX_DIGITS = MAX_DIGITS + 2
# USD values stay below a quadrillion dollars: more than any real amount, and
# far enough below the columns' limit (10**18) that SQLite, which stores
# decimals as floats, cannot round one past it.
USD_LIMIT = Decimal(10) ** 15


def amount_field(verbose_name=None, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
        **kwargs,
    )


def money_output_field():
    """The type of a sum or maximum of USD amounts, for annotations and subqueries."""
    return models.DecimalField(max_digits=SUM_MAX_DIGITS, decimal_places=DECIMAL_PLACES)


def stored_sum_field(verbose_name=None, **kwargs):
    """A figure computed from other records' USD amounts and stored for speed."""
    return models.DecimalField(
        verbose_name,
        max_digits=SUM_MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        editable=False,
        **kwargs,
    )


def usd_field(verbose_name=None, **kwargs):
    """The stored USD value of an amount; computed, never typed in."""
    return models.DecimalField(
        verbose_name,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
        editable=False,
        **kwargs,
    )


def amount_constraints(model_name, field):
    """Amounts are never negative, and an amount always has its USD value."""
    return [
        FieldCheckConstraint(
            condition=Q(**{f"{field}__gte": 0}),
            name=f"{model_name}_{field}_not_negative",
            field=field,
            violation_error_message=_("An amount cannot be negative."),
        ),
        DerivedValueConstraint(
            condition=Q(**{f"{field}__isnull": True, f"{field}_usd__isnull": True})
            | Q(**{f"{field}__isnull": False, f"{field}_usd__isnull": False}),
            name=f"{model_name}_{field}_has_usd_value",
        ),
    ]


class UsdAmountsMixin:
    """Fills each `<field>_usd` from `<field>`, `currency` and the record's date.

    Subclasses name `usd_amount_fields` and `usd_date_field`. Called from
    `clean()`, so every door that validates (admin forms, the API, services,
    commands) stores consistent USD values.
    """

    usd_amount_fields: tuple[str, ...] = ()
    usd_date_field: str = ""

    def convert_amounts_to_usd(self):
        on = getattr(self, self.usd_date_field)
        too_large = {}
        for field in self.usd_amount_fields:
            try:
                usd = fx.to_usd(getattr(self, field), self.currency, on)
            except fx.MissingExchangeRate as error:
                raise ValidationError({"currency": error.messages}) from error
            except InvalidOperation:  # beyond what Decimal holds to the cent
                usd = USD_LIMIT
            if usd is not None and abs(usd) >= USD_LIMIT:
                too_large[field] = "This amount is a quadrillion US dollars or more."
                usd = None
            setattr(self, f"{field}_usd", usd)
        if too_large:
            raise ValidationError(too_large)
