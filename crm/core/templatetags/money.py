"""{{ amount|money:"CNY" }} in templates: the admin's one money format."""

from django import template

from crm.core.currencies import USD
from crm.core.money_format import format_money

register = template.Library()


@register.filter
def money(amount, currency=USD):
    """ "USD 93,000,000,000"; "-" when there is no amount."""
    return format_money(amount, currency) or "-"
