"""Currency choices: the team's usual currencies first, then the rest A-Z."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from crm.core.currencies import CURRENCY_CHOICES, ISO_4217_CODES
from crm.portfolio.models import Stake
from tests.admin_pages import add_url

pytestmark = pytest.mark.django_db

MOST_USED = ["USD", "CNY", "HKD", "EUR", "GBP", "JPY", "SGD"]
THE_REST = sorted(set(ISO_4217_CODES) - set(MOST_USED))


def test_the_choices_put_the_most_used_currencies_first_then_the_rest_a_to_z():
    codes = [code for code, _label in CURRENCY_CHOICES]

    assert codes[:7] == MOST_USED
    assert codes[7:9] == ["AED", "AFN"]
    assert codes[7:] == THE_REST
    assert len(codes) == len(set(codes)) == len(ISO_4217_CODES)


def test_the_admins_currency_select_offers_them_in_that_order(boss_client):
    response = boss_client.get(add_url(Stake))
    select = re.search(
        r'<select name="currency"[^>]*>(.*?)</select>', response.text, re.S
    ).group(1)

    offered = re.findall(r'<option value="([A-Z]{3})"', select)
    assert offered == MOST_USED + THE_REST
    assert '<option value="USD" selected>' in select


def test_the_api_schemas_currency_enum_lists_them_in_that_order():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert schema["components"]["schemas"]["CurrencyEnum"]["enum"] == (
        MOST_USED + THE_REST
    )
