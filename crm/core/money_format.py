"""Money as the admin shows it: "USD 93,000,000,000", and where a USD value came from."""

from django.utils.html import format_html

from crm.core import fx
from crm.core.currencies import USD


def format_money(amount, currency=USD):
    """ "CNY 7,000,000,000": whole units with thousands separators, then the code.

    Whole units read faster than cents in a list of billions; the stored value
    keeps its cents. None (no amount) stays None, which the admin shows as "-".
    """
    if amount is None:
        return None
    return f"{currency} {amount:,.0f}"


def format_usd(amount):
    return format_money(amount, USD)


def conversion_note(record):
    """Which rate and date turned `record`'s amounts into US dollars, as a sentence.

    `record` is a UsdAmountsMixin model (a stake, a round). Empty for amounts
    in US dollars. Says so when the rate is stale (crm.core.fx.STALE_AFTER).
    """
    if record.currency == USD or not record.currency:
        return ""
    on = getattr(record, record.usd_date_field)
    # A round has four USD values converted at one rate: read it once.
    if "_fx_rate_used" not in record.__dict__:
        record._fx_rate_used = fx.rate_used(record.currency, on)
    rate = record._fx_rate_used
    if rate is None:
        return f"No {record.currency} rate on file for this date."
    note = (
        f"At {rate.usd_per_unit.normalize():f} USD per {record.currency}, "
        f"the rate of {rate.valid_from.isoformat()}."
    )
    if fx.is_stale(rate.valid_from, on):
        days = fx.STALE_AFTER.days
        note += (
            f" Warning: that rate is more than {days} days older than the "
            "record's date; add a newer rate and save again."
        )
    return note


def usd_with_note(record, field):
    """A read-only USD value on a change page, with the rate that converted it."""
    value = format_usd(getattr(record, field))
    if value is None:
        return "-"
    note = conversion_note(record)
    if not note:
        return value
    return format_html('{}<div class="crm-fx-note">{}</div>', value, note)
