"""USD values on admin pages: formatted, with the rate that converted them.

The stored `<field>_usd` columns are read-only model fields, which the admin
would print raw ("93000000000.00"); change pages name these displays instead.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from crm.core import fx
from crm.core.money_format import format_usd, usd_with_note


def usd_display(field, description):
    """A read-only display of `field` for a change page: the value and its rate."""

    @admin.display(description=description)
    def display(model_admin, obj):
        return usd_with_note(obj, field)

    return display


def usd_column(field, description):
    """The same value for a list or an inline row: formatted, no rate (no query per row)."""

    @admin.display(description=description, ordering=field)
    def display(model_admin, obj):
        return format_usd(getattr(obj, field))

    return display


class StaleRateWarningMixin:
    """After saving a record converted with a stale rate, say so (fx.STALE_AFTER)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if all(getattr(obj, name) is None for name in obj.usd_amount_fields):
            return
        on = getattr(obj, obj.usd_date_field)
        rate = fx.rate_used(obj.currency, on)
        if rate is not None and fx.is_stale(rate.valid_from, on):
            messages.warning(
                request,
                _(
                    "The %(currency)s amounts were converted at the rate of "
                    "%(rate_date)s, more than %(days)s days before %(date)s: add a "
                    "newer rate and save again."
                )
                % {
                    "currency": obj.currency,
                    "rate_date": rate.valid_from.isoformat(),
                    "days": fx.STALE_AFTER.days,
                    "date": on or _("today"),
                },
            )
