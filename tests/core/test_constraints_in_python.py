"""CheckConstraints evaluated in Python for imports agree with the database's."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.core.constraints import validate_constraints_in_python, validate_record
from crm.core.models import ExchangeRate
from crm.investors.models import Investor
from crm.portfolio.models import FundingRound

pytestmark = pytest.mark.django_db

UNIQUE_NAME = [
    constraint
    for constraint in Investor._meta.constraints
    if constraint.name == "investor_name_unique_ci"
]


def errors_of(instance, **kwargs):
    try:
        validate_constraints_in_python(instance, **kwargs)
    except ValidationError as error:
        return error.message_dict
    return {}


def test_an_unknown_value_passes_as_sql_null_does(django_assert_num_queries):
    investor = Investor(name="HOPU", check_size_min_usd=None, check_size_max_usd=5)

    with django_assert_num_queries(0):
        assert errors_of(investor, skip=UNIQUE_NAME) == {}


def test_a_comparison_of_two_fields_is_refused_on_the_named_field(
    django_assert_num_queries,
):
    investor = Investor(name="HOPU", check_size_min_usd=9, check_size_max_usd=5)

    with django_assert_num_queries(0):
        assert errors_of(investor, skip=UNIQUE_NAME) == {
            "check_size_max_usd": [
                "The largest check cannot be smaller than the smallest."
            ]
        }


def test_each_failing_constraint_is_reported_as_the_database_reports_it():
    investor = Investor(name="HOPU", aum_usd=-1, check_size_min_usd=-2)

    python = errors_of(investor, skip=UNIQUE_NAME)
    try:
        investor.validate_constraints(exclude={"name"})
    except ValidationError as error:
        database = error.message_dict

    assert (
        python
        == database
        == {
            "check_size_min_usd": ["An amount cannot be negative."],
            "aum_usd": ["An amount cannot be negative."],
        }
    )


def test_a_negated_condition_on_a_plain_value_is_evaluated_in_python():
    # ~Q(currency="USD") | Q(usd_per_unit=1); the ISO-code constraint (Length,
    # Upper) is not plain comparisons and still asks the database.
    rate = ExchangeRate(
        currency="USD", usd_per_unit=Decimal("0.9"), valid_from=datetime.date.today()
    )

    assert errors_of(rate) == {"usd_per_unit": ["One US dollar is always worth 1 USD."]}


def test_a_condition_with_other_expressions_asks_the_database():
    rate = ExchangeRate(
        currency="usd", usd_per_unit=Decimal("1"), valid_from=datetime.date.today()
    )

    assert errors_of(rate)["currency"] == [
        "Use a three-letter ISO 4217 code, e.g. USD."
    ]


def test_a_constraint_on_a_field_already_in_error_is_left_out():
    investor = Investor(name="HOPU", aum_usd=-1)

    assert errors_of(investor, exclude={"aum_usd"}, skip=UNIQUE_NAME) == {}


def test_validate_record_reports_fields_and_constraints_together():
    round_ = FundingRound(
        name="",
        currency="USD",
        announced_on=datetime.date(2020, 5, 1),
        closed_on=datetime.date(2020, 1, 1),
    )

    with pytest.raises(ValidationError) as error:
        validate_record(round_)

    assert error.value.message_dict["closed_on"] == [
        "A round cannot close before it was announced."
    ]
    assert "name" in error.value.message_dict
