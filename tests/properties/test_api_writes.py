"""Any body POSTed or PATCHed to a resource either saves a valid row or is a 400.

Hypothesis builds bodies from each serializer's writable fields: per field a
value the field takes (ids of real records, amounts up to the largest the
column holds, any date), one it should not (ids of no record, negative and
non-finite numbers, over-long strings, NUL, lone surrogates, impossible
dates), junk of any type, or nothing at all. Whatever the body, the answer is
a 201 or 200 whose row passes `full_clean()`, or a 400 naming the fields at
fault; never a 500, never an IntegrityError (which the API would answer with
a 409).

PROPERTY_EXAMPLES sets the bodies per resource and method (100 by default).
Generation is derandomized, so a run is repeatable.
"""

import datetime
import json
import os
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rest_framework import fields, relations
from rest_framework.test import APIClient

from config.api_router import router
from crm.accounts.services import api_token_create
from crm.core.models import Team
from tests import factories

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "100"))

VIEWSETS = {prefix: viewset for prefix, viewset, _ in router.registry}

# A rate at the top of what the model takes and one at the bottom: amounts in
# these currencies test the conversion to USD at its limits.
EXTREME_RATES = {"BHD": "9999999999.99999", "VND": "0.0000000001"}

RATED_CURRENCIES = ["USD", "CNY", "EUR", *EXTREME_RATES]

huge_numbers = st.sampled_from(
    [2**31, 2**63, 2**64, 2**70, -(2**63) - 1, 10**30, 1e308, -1e308, 5e-324]
)
odd_strings = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "x\udfffy",
        "\u202e\u200b",
        "商汤科技",
        "🦄" * 40,
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "-0",
        "0x10",
        "１２３",
        "null",
        "true",
        "<script>",
        "'; DROP TABLE x; --",
        "x" * 10_000,
    ]
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge_numbers,
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    odd_strings,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def text_values(field):
    limit = field.max_length or 300
    return st.one_of(
        st.text(max_size=limit),
        st.text(min_size=limit, max_size=limit + 1),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        odd_strings,
    )


def decimal_values(field, *, valid):
    whole = field.max_digits - field.decimal_places
    biggest = Decimal(10) ** whole - Decimal(1) / Decimal(10) ** field.decimal_places
    in_range = st.decimals(min_value=0, max_value=biggest, places=field.decimal_places)
    if valid:
        return in_range.map(str)
    return st.one_of(
        in_range.map(lambda value: str(-value)),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["1e18", "1e-9", "0.001", "1_000", " 1 "]),
        st.integers(),
        huge_numbers,
        st.floats(allow_nan=False, allow_infinity=False),
    )


def date_values(*, valid):
    if valid:
        return st.dates().map(datetime.date.isoformat)
    return st.sampled_from(
        ["0000-01-01", "10000-01-01", "2018-02-30", "2018-7-1", "01/07/2018"]
    )


def datetime_values(*, valid):
    offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
        lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
    )
    if valid:
        return st.datetimes(timezones=st.one_of(st.none(), offsets)).map(
            datetime.datetime.isoformat
        )
    return st.sampled_from(
        [
            "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-05:00",
            "2018-07-01T09:00:00+24:00",
            "2018-07-01T25:00:00Z",
            "2018-07-01 09:00",
        ]
    )


def known(field, attribute="pk"):
    return list(field.queryset.model._default_manager.values_list(attribute, flat=True))


def field_values(field, *, valid):
    """Values a client might send for `field`: valid for the field alone, or not."""
    if isinstance(field, relations.ManyRelatedField):
        return st.lists(field_values(field.child_relation, valid=valid), max_size=4)
    if isinstance(field, relations.SlugRelatedField):
        if valid:
            return st.sampled_from(known(field, field.slug_field))
        return text_values(fields.CharField())
    if isinstance(field, relations.RelatedField):
        if valid:
            return st.sampled_from(known(field) + [None] * field.allow_null)
        return st.one_of(
            st.sampled_from([0, -1, 2**31, 2**63, 2**70]), st.text(max_size=5)
        )
    if isinstance(field, fields.ChoiceField):
        choices = list(field.choices)
        if field.field_name == "currency":
            # Mostly currencies with a rate on file, so that amounts convert.
            choices = [*RATED_CURRENCIES, *RATED_CURRENCIES, *choices]
        if valid:
            return st.sampled_from(choices)
        return st.one_of(
            st.sampled_from(choices).map(str.swapcase), text_values(fields.CharField())
        )
    if isinstance(field, fields.BooleanField):
        if valid:
            return st.booleans()
        return st.sampled_from(["yes", "", 2, 0.5])
    if isinstance(field, fields.DecimalField):
        return decimal_values(field, valid=valid)
    if isinstance(field, fields.IntegerField):
        if valid:
            return st.integers(min_value=1500, max_value=2200)
        return st.one_of(st.integers(), huge_numbers)
    if isinstance(field, fields.DateTimeField):
        return datetime_values(valid=valid)
    if isinstance(field, fields.DateField):
        return date_values(valid=valid)
    if isinstance(field, fields.ListField):
        if valid:
            return st.lists(field_values(fields.CharField(), valid=True), max_size=4)
        return st.lists(st.one_of(text_values(fields.CharField()), junk), max_size=4)
    if not valid:
        return text_values(field)
    if isinstance(field, fields.EmailField):
        return st.emails()
    if isinstance(field, fields.URLField):
        return st.from_regex(
            r"https://[a-z]{1,10}\.[a-z]{2,5}/[a-z]{0,5}", fullmatch=True
        )
    if isinstance(field, fields.SlugField):
        return st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)
    if isinstance(field, fields.CharField):
        return st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]),
            min_size=1,
            max_size=min(field.max_length or 50, 50),
        )
    raise TypeError(f"No strategy for {field!r}")


def bodies(writable):
    """Bodies from clean (every field valid or left out) to junk everywhere.

    A clean body reaches the model's rules and the database; the rest test the
    serializer's. Now and then a key the resource does not have, or a body
    that is not an object at all.
    """
    mixes = st.sampled_from(
        [
            ("valid", "valid", "valid", "valid", "out"),
            ("valid", "valid", "valid", "valid", "odd", "out"),
            ("valid", "odd", "junk", "out"),
        ]
    )

    @st.composite
    def body(draw):
        if draw(st.integers(0, 19)) == 0:
            return draw(junk)
        kinds = st.sampled_from(draw(mixes))
        result = {}
        for name, field in writable.items():
            kind = draw(kinds)
            if kind == "junk":
                result[name] = draw(junk)
            elif kind != "out":
                result[name] = draw(field_values(field, valid=kind == "valid"))
        if draw(st.integers(0, 9)) == 0:
            result.update(draw(st.dictionaries(st.text(max_size=8), junk, max_size=2)))
        return result

    return body()


@pytest.fixture
def api(db, deal_team_user):
    """A Deal lead's client; two of each record, rates, a team of theirs.

    A Deal lead may wall rounds, so any round body saves or is a 400; the 403
    for everyone else is tests/portfolio/test_walling_rounds.py's.
    """
    deal_team_user.groups.add(Group.objects.get(name="Deal lead"))
    team = Team.objects.create(name="Project Sun")
    team.members.add(deal_team_user)
    Team.objects.create(name="Project Moon")
    for currency, rate in [("CNY", "0.14"), ("EUR", "1.08"), *EXTREME_RATES.items()]:
        factories.ExchangeRateFactory(
            currency=currency,
            usd_per_unit=Decimal(rate),
            # The first day a date may be (crm.core.dates): every amount has a rate.
            valid_from=datetime.date(1900, 1, 1),
        )
    parent = factories.SectorFactory(name="Artificial intelligence", slug="ai")
    sector = factories.SectorFactory(name="Computer vision", slug="cv", parent=parent)
    for _ in range(2):
        investor = factories.InvestorFactory(sectors=[sector])
        contact = factories.ContactFactory(investor=investor)
        company = factories.CompanyFactory(sector=sector)
        round_ = factories.FundingRoundFactory(company=company)
        factories.StakeFactory(investor=investor, company=company, round=round_)
        factories.InteractionFactory(
            investor=investor,
            round=round_,
            contacts=[contact],
            logged_by=deal_team_user,
        )
        factories.DealNoteFactory(investor=investor, author=deal_team_user)
    _, secret = api_token_create(user=deal_team_user, name="properties")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def writable_fields(serializer_class):
    return {
        name: field
        for name, field in serializer_class().fields.items()
        if not field.read_only
    }


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize("resource", list(VIEWSETS))
# Safe: each example runs in a transaction of its own, rolled back.
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_body_saves_a_valid_row_or_is_a_400_naming_fields(
    data, resource, method, api
):
    serializer_class = VIEWSETS[resource].serializer_class
    model = serializer_class.Meta.model
    writable = writable_fields(serializer_class)
    body = data.draw(bodies(writable), label="body")

    with transaction.atomic():
        if method == "post":
            url = f"/api/v1/{resource}/"
            expected = 201
        else:
            url = f"/api/v1/{resource}/{model._default_manager.first().pk}/"
            expected = 200
        response = getattr(api, method)(
            url, json.dumps(body), content_type="application/json"
        )
        event(f"{response.status_code}")

        # A create whose unique value is taken is a 409 naming the field (issue 12).
        refusals = (400, 409) if method == "post" else (400,)
        assert response.status_code in (expected, *refusals), response.content
        payload = response.json()
        assert isinstance(payload, dict)
        if response.status_code == 409:
            assert payload["type"] == "urn:crm:problem:unique", payload
            assert {item["field"] for item in payload["errors"]} <= set(writable)
        elif response.status_code == 400 and not payload.get("errors"):
            # Not JSON the API can read (a lone surrogate): no field to name.
            assert payload["detail"].startswith("JSON parse error"), payload
        elif response.status_code == 400:
            # A problem's errors name writable fields (a dotted path into a
            # list names its field first), or none: about the body as a whole.
            named = {
                item["field"].split(".")[0] if item["field"] else None
                for item in payload["errors"]
            }
            assert named <= {*writable, None}, payload
        else:
            model._default_manager.get(pk=payload["id"]).full_clean()
        transaction.set_rollback(True)
