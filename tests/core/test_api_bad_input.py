"""Input that fuzzing (tests/fuzz, tests/properties) turned into 500s: now 400s."""

import datetime
from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api_pages import detail_of, field_errors
from tests.factories import (
    CompanyFactory,
    ExchangeRateFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def test_a_page_past_the_end_of_a_list_is_a_documented_404(api):
    schema = SchemaGenerator().get_schema(request=None, public=True)

    response = api.get("/api/v1/sectors/", {"page": 2})

    assert response.status_code == 404
    assert detail_of(response) == "Invalid page."
    for path, operations in schema["paths"].items():
        # Every paginated list (the changes feed pages by its own cursor).
        read = operations.get("get", {})
        parameters = {p["name"] for p in read.get("parameters", [])}
        if parameters & {"page", "cursor"}:
            assert "404" in operations["get"]["responses"], path


def test_a_date_time_filter_is_compared_in_utc_whatever_its_offset(api):
    # PostgreSQL refuses offsets past 15:59, which ISO 8601 and Python allow.
    SectorFactory()

    before = api.get("/api/v1/sectors/", {"updated_after": "2000-01-01T00:00-17:25"})
    after = api.get("/api/v1/sectors/", {"updated_after": "9999-01-01T00:00+23:59"})

    assert before.json()["count"] == 1
    assert after.json()["count"] == 0


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/sectors/", "updated_after"),
        ("/api/v1/interactions/", "occurred_after"),
        ("/api/v1/interactions/", "occurred_before"),
    ],
)
@pytest.mark.parametrize(
    "value", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"]
)
def test_a_date_time_filter_past_the_calendar_in_utc_is_a_400(
    api, url, parameter, value
):
    InteractionFactory()

    response = api.get(url, {parameter: value})

    assert response.status_code == 400
    assert field_errors(response) == {parameter: ["Enter a valid date/time."]}


@pytest.mark.parametrize("value", [",", "name,,-created_at"])
def test_an_ordering_with_an_empty_entry_is_a_400(api, value):
    response = api.get("/api/v1/investors/", {"ordering": value})

    assert response.status_code == 400
    assert field_errors(response) == {
        "ordering": ["Give field names separated by commas."]
    }


def test_a_json_body_nested_too_deeply_is_a_400(api):
    body = "[" * 100_000 + "]" * 100_000

    response = api.post("/api/v1/sectors/", body, content_type="application/json")

    assert response.status_code == 400
    assert detail_of(response) == "JSON parse error - nested too deeply."


def test_a_lone_surrogate_in_a_json_body_is_a_400(api):
    # An invalid choice is quoted in its error message, which UTF-8 cannot
    # encode with a lone surrogate in it.
    body = '{"name": "Sun Capital", "kind": "\\ud800"}'

    response = api.post("/api/v1/investors/", body, content_type="application/json")

    assert response.status_code == 400
    assert detail_of(response) == (
        "JSON parse error - a string holds a lone surrogate "
        "(\\ud800-\\udfff), which is not Unicode text."
    )


def test_a_surrogate_pair_in_a_json_body_is_text_like_any_other(api):
    body = '{"name": "\\ud83e\\udd84 Capital"}'

    response = api.post("/api/v1/investors/", body, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["name"] == "🦄 Capital"


def test_a_decimal_of_more_than_15_significant_digits_is_a_400(api):
    # SQLite stores decimals as floats: exact to 15 digits. Longer ones were
    # stored rounded, and near the column's limit rounded past it, a 500 on
    # every later read.
    response = api.post(
        "/api/v1/investors/", {"name": "Sun", "aum_usd": "999999999999999999.99"}
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "aum_usd": ["Ensure that there are no more than 15 significant digits."]
    }


def test_a_decimal_of_15_significant_digits_is_stored_exactly(api):
    response = api.post(
        "/api/v1/investors/",
        {
            "name": "Sun",
            "check_size_min_usd": "9999999999999.99",
            "aum_usd": "11500000000000000.00",
        },
    )

    assert response.status_code == 201
    shown = api.get(f"/api/v1/investors/{response.json()['id']}/").json()
    assert shown["check_size_min_usd"] == "9999999999999.99"
    assert shown["aum_usd"] == "11500000000000000.00"


def test_an_amount_worth_a_quadrillion_us_dollars_or_more_is_a_400(api):
    # The largest rate the model takes; the USD value overflowed its column
    # (PostgreSQL), or Decimal's precision when rounded to the cent (both).
    ExchangeRateFactory(
        currency="BHD",
        usd_per_unit=Decimal("9999999999.99999"),
        valid_from=datetime.date(2018, 1, 1),
    )
    stake = {
        "investor": InvestorFactory().pk,
        "company": CompanyFactory().pk,
        "currency": "BHD",
        "as_of": "2018-05-01",
    }

    response = api.post("/api/v1/stakes/", {**stake, "amount": "999999999.99"})
    beyond_decimal = api.post(
        "/api/v1/stakes/", {**stake, "amount": "999999999999999999.99"}
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "amount": ["This amount is a quadrillion US dollars or more."]
    }
    assert beyond_decimal.status_code == 400
    assert (
        "This amount is a quadrillion US dollars or more."
        in field_errors(beyond_decimal)["amount"]
    )


def test_a_sector_slug_holding_a_nul_character_is_a_400(api):
    # PostgreSQL cannot compare text holding NUL: the lookup was a 500.
    response = api.post(
        "/api/v1/companies/", {"name": "Sun", "sector": "a\x00b"}, format="json"
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "sector": ["Object with slug=a\x00b does not exist."]
    }
