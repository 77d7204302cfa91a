import datetime
from decimal import Decimal

import pytest

from crm.portfolio.models import Stake
from tests.api_pages import field_errors, ids, iso, problem
from tests.factories import (
    FundingRoundFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/stakes/"


@pytest.fixture
def world(cny_rates, sensetime, megvii, stripe, alibaba, fidelity, softbank):
    """Companies, investors and SenseTime's Series C, without stakes."""
    return {
        "sensetime": sensetime,
        "megvii": megvii,
        "stripe": stripe,
        "alibaba": alibaba,
        "fidelity": fidelity,
        "softbank": softbank,
        "series_c": FundingRoundFactory(
            company=sensetime, name="Series C", announced_on=datetime.date(2018, 4, 9)
        ),
    }


@pytest.fixture
def stakes(world):
    """Five stakes, listed here newest first (the default order)."""
    w = world
    alibaba_megvii = StakeFactory(
        investor=w["alibaba"],
        company=w["megvii"],
        amount=Decimal("50000000.00"),
        status=Stake.Status.CLOSED,
        is_lead=True,
        as_of=datetime.date(2017, 10, 31),
    )
    alibaba_sensetime = StakeFactory(
        investor=w["alibaba"],
        company=w["sensetime"],
        round=w["series_c"],
        amount=Decimal("200000000.00"),
        status=Stake.Status.CLOSED,
        is_lead=True,
        as_of=datetime.date(2018, 4, 9),
    )
    fidelity_sensetime = StakeFactory(
        investor=w["fidelity"],
        company=w["sensetime"],
        round=w["series_c"],
        amount=Decimal("100000000.00"),
        status=Stake.Status.CLOSED,
        as_of=datetime.date(2018, 4, 9),
    )
    # 6,250,000,000 CNY at 0.16 = $1B.
    softbank_sensetime = StakeFactory(
        investor=w["softbank"],
        company=w["sensetime"],
        amount=Decimal("6250000000.00"),
        currency="CNY",
        status=Stake.Status.IN_TALKS,
        as_of=datetime.date(2018, 7, 1),
    )
    fidelity_stripe = StakeFactory(
        investor=w["fidelity"],
        company=w["stripe"],
        amount=Decimal("20000000.00"),
        status=Stake.Status.PROSPECT,
        as_of=datetime.date(2018, 9, 1),
    )
    return (
        fidelity_stripe,
        softbank_sensetime,
        fidelity_sensetime,
        alibaba_sensetime,
        alibaba_megvii,
    )


def payload(world, **changes):
    return {
        "investor": world["softbank"].pk,
        "company": world["sensetime"].pk,
        "round": world["series_c"].pk,
        "amount": "6250000000.00",
        "currency": "CNY",
        "ownership_pct": "8.50",
        "status": "in_talks",
        "is_lead": False,
        "as_of": "2018-07-01",
        "source": "Illustrative: reported as almost $1B.",
        **changes,
    }


# Reading


def test_it_shows_a_stake_with_its_usd_value_at_the_rate_of_its_date(api, world):
    stake = StakeFactory(
        investor=world["softbank"],
        company=world["sensetime"],
        round=world["series_c"],
        amount=Decimal("6250000000.00"),
        currency="CNY",
        ownership_pct=Decimal("8.50"),
        status=Stake.Status.IN_TALKS,
        is_lead=False,
        as_of=datetime.date(2018, 7, 1),
        source="Illustrative: reported as almost $1B.",
    )

    response = api.get(f"{URL}{stake.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": stake.pk,
        "external_id": "",
        "investor": world["softbank"].pk,
        "company": world["sensetime"].pk,
        "round": world["series_c"].pk,
        "amount": "6250000000.00",
        "currency": "CNY",
        # 6,250,000,000 x 0.16, the rate from 2018-06-01.
        "amount_usd": "1000000000.00",
        "fx_rate_date": "2018-06-01",
        "ownership_pct": "8.50",
        "status": "in_talks",
        "is_lead": False,
        "as_of": "2018-07-01",
        "source": "Illustrative: reported as almost $1B.",
        "created_at": iso(stake.created_at),
        "updated_at": iso(stake.updated_at),
    }


def test_it_lists_the_newest_first_in_pages_with_a_next_link(api, stakes):
    response = api.get(URL, {"page_size": 2})

    body = response.json()
    assert [row["id"] for row in body["results"]] == [s.pk for s in stakes[:2]]
    # Keyset pages (crm.core.api.pagination): links, no count.
    assert set(body) == {"next", "previous", "results"}
    assert body["previous"] is None
    assert body["next"].startswith("http://testserver/api/v1/stakes/?cursor=")
    following = api.get(body["next"]).json()
    assert [row["id"] for row in following["results"]] == [s.pk for s in stakes[2:4]]


# Writing


def test_it_creates_a_stake_converting_its_amount_to_usd(api, world):
    response = api.post(URL, payload(world))

    assert response.status_code == 201
    created = Stake.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/stakes/{created.pk}/"
    assert response.json() == {
        "id": created.pk,
        "external_id": "",
        **payload(world),
        "amount_usd": "1000000000.00",
        "fx_rate_date": "2018-06-01",
        "created_at": iso(created.created_at),
        "updated_at": iso(created.updated_at),
    }
    assert created.amount_usd == Decimal("1000000000.00")


def test_it_creates_a_stake_without_a_round_or_an_amount(api, world):
    response = api.post(
        URL, {"investor": world["alibaba"].pk, "company": world["megvii"].pk}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["round"] is None
    assert body["amount"] is None
    assert body["amount_usd"] is None
    assert body["currency"] == "USD"
    assert body["status"] == "prospect"


def test_it_replaces_a_stake_with_put(api, stakes, world):
    stake = stakes[1]

    response = api.put(
        f"{URL}{stake.pk}/",
        payload(world, amount="1000000000.00", currency="USD", status="committed"),
    )

    assert response.status_code == 200
    stake.refresh_from_db()
    assert stake.round == world["series_c"]
    assert stake.amount_usd == Decimal("1000000000.00")
    assert stake.status == Stake.Status.COMMITTED
    assert stake.ownership_pct == Decimal("8.50")
    assert response.json()["amount_usd"] == "1000000000.00"


def test_patching_the_date_applies_the_rate_of_the_new_date(api, stakes):
    stake = stakes[1]

    response = api.patch(f"{URL}{stake.pk}/", {"as_of": "2018-05-31"})

    assert response.status_code == 200
    # 6,250,000,000 x 0.15, the rate before 2018-06-01.
    assert response.json()["amount_usd"] == "937500000.00"
    stake.refresh_from_db()
    assert stake.amount_usd == Decimal("937500000.00")


def test_the_usd_value_is_read_only(api, stakes):
    stake = stakes[0]

    response = api.patch(f"{URL}{stake.pk}/", {"amount_usd": "1.00"})

    assert response.status_code == 200
    assert response.json()["amount_usd"] == "20000000.00"


def test_it_deletes_a_stake(admin_api, stakes):
    stake = stakes[0]

    assert admin_api.delete(f"{URL}{stake.pk}/").status_code == 204
    assert not Stake.objects.filter(pk=stake.pk).exists()


def test_the_deal_team_may_not_delete_stakes(api, stakes):
    assert api.delete(f"{URL}{stakes[0].pk}/").status_code == 403
    assert Stake.objects.filter(pk=stakes[0].pk).exists()


# Rules: 400s naming the field


@pytest.mark.parametrize("ownership", ["100.01", "-0.01"])
def test_it_rejects_ownership_outside_0_to_100(api, world, ownership):
    response = api.post(URL, payload(world, ownership_pct=ownership))

    assert response.status_code == 400
    assert field_errors(response) == {
        "ownership_pct": ["Ownership must be between 0 and 100 percent."]
    }
    assert not Stake.objects.exists()


def test_it_rejects_an_ownership_too_long_for_a_percentage(api, world):
    response = api.post(URL, payload(world, ownership_pct="1000"))

    assert response.status_code == 400
    assert list(field_errors(response)) == ["ownership_pct"]


def test_it_accepts_ownership_of_0_and_100(api, world):
    assert api.post(URL, payload(world, ownership_pct="0")).status_code == 201
    response = api.post(
        URL, payload(world, investor=world["alibaba"].pk, ownership_pct="100")
    )
    assert response.status_code == 201


def test_it_rejects_a_negative_amount_on_amount(api, world):
    response = api.post(URL, payload(world, amount="-1.00", currency="USD"))

    assert response.status_code == 400
    assert list(field_errors(response)) == ["amount"]
    assert field_errors(response)["amount"][0] == "An amount cannot be negative."


def test_it_rejects_an_amount_without_a_rate_for_its_currency_and_date(api, world):
    response = api.post(URL, payload(world, currency="EUR"))

    assert response.status_code == 400
    assert field_errors(response) == {
        "currency": ["No exchange rate for EUR on or before 2018-07-01."]
    }


def test_it_rejects_a_date_before_the_first_rate_of_the_currency(api, stakes):
    response = api.patch(f"{URL}{stakes[1].pk}/", {"as_of": "2017-12-31"})

    assert response.status_code == 400
    assert field_errors(response) == {
        "currency": ["No exchange rate for CNY on or before 2017-12-31."]
    }
    stakes[1].refresh_from_db()
    assert stakes[1].as_of == datetime.date(2018, 7, 1)


def test_it_rejects_a_round_of_another_company_on_round(api, world):
    response = api.post(URL, payload(world, company=world["megvii"].pk))

    assert response.status_code == 400
    assert field_errors(response) == {
        "round": ["This round belongs to another company."]
    }


def test_it_rejects_moving_a_stake_to_another_company_than_its_rounds(api, stakes):
    response = api.patch(f"{URL}{stakes[3].pk}/", {"company": stakes[4].company_id})

    assert response.status_code == 400
    assert field_errors(response) == {
        "round": ["This round belongs to another company."]
    }


def test_it_rejects_a_second_stake_of_an_investor_in_a_round_on_round(
    api, stakes, world
):
    response = api.post(URL, payload(world, investor=world["alibaba"].pk))

    assert field_errors(response) == {
        "round": ["This investor already has a stake in this round."]
    }
    existing = world["alibaba"].stakes.get(round=world["series_c"])
    assert problem(response, 409)["existing"]["id"] == existing.pk
    assert world["alibaba"].stakes.count() == 2


def test_it_rejects_moving_a_stake_into_a_round_the_investor_is_in(api, stakes, world):
    # A second, round-less Alibaba stake in SenseTime.
    stake = StakeFactory(investor=world["alibaba"], company=world["sensetime"])

    response = api.patch(f"{URL}{stake.pk}/", {"round": world["series_c"].pk})

    assert response.status_code == 400
    assert field_errors(response) == {
        "round": ["This investor already has a stake in this round."]
    }


def test_an_investor_may_hold_several_stakes_outside_rounds(api, world):
    data = payload(world, round=None, currency="USD")

    assert api.post(URL, data).status_code == 201
    assert api.post(URL, {**data, "as_of": "2018-08-01"}).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "maybe"),
        ("currency", "RMB"),
        ("investor", 0),
        ("company", None),
        ("round", "series-c"),
        ("is_lead", "perhaps"),
        ("as_of", "2018-02-30"),
        ("amount", "lots"),
        ("source", "x" * 501),
    ],
)
def test_it_rejects_invalid_values_on_their_field(api, world, field, value):
    response = api.post(URL, payload(world, **{field: value}))

    assert response.status_code == 400
    assert list(field_errors(response)) == [field]
    assert not Stake.objects.exists()


def test_it_rejects_malformed_json(api):
    response = api.post(URL, data="investor=1", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


# Filters


def test_it_filters_by_investor_company_and_round(api, stakes, world):
    _, softbank_st, fidelity_st, alibaba_st, alibaba_megvii = stakes

    assert ids(api.get(URL, {"investor": world["alibaba"].pk})) == [
        alibaba_st.pk,
        alibaba_megvii.pk,
    ]
    assert ids(
        api.get(URL, {"investor": f"{world['alibaba'].pk},{world['softbank'].pk}"})
    ) == [softbank_st.pk, alibaba_st.pk, alibaba_megvii.pk]
    assert ids(api.get(URL, {"company": world["sensetime"].pk})) == [
        softbank_st.pk,
        fidelity_st.pk,
        alibaba_st.pk,
    ]
    assert ids(api.get(URL, {"round": world["series_c"].pk})) == [
        fidelity_st.pk,
        alibaba_st.pk,
    ]


def test_it_filters_by_any_of_several_statuses(api, stakes):
    fidelity_stripe, softbank_st, fidelity_st, alibaba_st, alibaba_megvii = stakes

    assert ids(api.get(URL, {"status": "closed"})) == [
        fidelity_st.pk,
        alibaba_st.pk,
        alibaba_megvii.pk,
    ]
    assert ids(api.get(URL, {"status": "in_talks,prospect"})) == [
        fidelity_stripe.pk,
        softbank_st.pk,
    ]


def test_it_filters_by_lead(api, stakes):
    fidelity_stripe, softbank_st, fidelity_st, alibaba_st, alibaba_megvii = stakes

    assert ids(api.get(URL, {"is_lead": "true"})) == [
        alibaba_st.pk,
        alibaba_megvii.pk,
    ]
    assert ids(api.get(URL, {"is_lead": "false"})) == [
        fidelity_stripe.pk,
        softbank_st.pk,
        fidelity_st.pk,
    ]


def test_it_filters_by_the_companys_sector_including_sub_sectors(api, stakes):
    fidelity_stripe, softbank_st, fidelity_st, alibaba_st, alibaba_megvii = stakes

    assert ids(api.get(URL, {"sector": "artificial-intelligence"})) == [
        softbank_st.pk,
        fidelity_st.pk,
        alibaba_st.pk,
        alibaba_megvii.pk,
    ]
    assert ids(api.get(URL, {"sector": "computer-vision"})) == [
        softbank_st.pk,
        fidelity_st.pk,
        alibaba_st.pk,
    ]
    assert ids(api.get(URL, {"sector": "fintech"})) == [fidelity_stripe.pk]


def test_it_filters_by_the_companys_and_the_investors_country(api, stakes):
    fidelity_stripe, softbank_st, fidelity_st, alibaba_st, alibaba_megvii = stakes

    assert ids(api.get(URL, {"country": "US"})) == [fidelity_stripe.pk]
    assert ids(api.get(URL, {"investor_country": "GB"})) == [
        fidelity_stripe.pk,
        fidelity_st.pk,
    ]
    assert ids(api.get(URL, {"investor_country": "CN,JP"})) == [
        softbank_st.pk,
        alibaba_st.pk,
        alibaba_megvii.pk,
    ]
    assert ids(api.get(URL, {"country": "CN", "investor_country": "GB"})) == [
        fidelity_st.pk
    ]


def test_it_filters_by_amount_in_usd_inclusive(api, stakes):
    fidelity_stripe, softbank_st, fidelity_st, alibaba_st, alibaba_megvii = stakes

    # SoftBank's stake is in yuan: its $1B counts.
    assert ids(api.get(URL, {"amount_min": "100000000"})) == [
        softbank_st.pk,
        fidelity_st.pk,
        alibaba_st.pk,
    ]
    assert ids(api.get(URL, {"amount_max": "100000000"})) == [
        fidelity_stripe.pk,
        fidelity_st.pk,
        alibaba_megvii.pk,
    ]
    assert ids(api.get(URL, {"amount_min": "1000000000.00"})) == [softbank_st.pk]
    assert ids(api.get(URL, {"amount_min": "1000000000.01"})) == []


def test_it_filters_by_as_of_dates_inclusive(api, stakes):
    fidelity_stripe, softbank_st, fidelity_st, alibaba_st, alibaba_megvii = stakes

    assert ids(api.get(URL, {"as_of_after": "2018-04-09"})) == [
        fidelity_stripe.pk,
        softbank_st.pk,
        fidelity_st.pk,
        alibaba_st.pk,
    ]
    assert ids(api.get(URL, {"as_of_before": "2018-04-09"})) == [
        fidelity_st.pk,
        alibaba_st.pk,
        alibaba_megvii.pk,
    ]
    assert ids(
        api.get(URL, {"as_of_after": "2018-04-10", "as_of_before": "2018-07-01"})
    ) == [softbank_st.pk]


def test_it_filters_by_updated_after(api, stakes):
    Stake.objects.update(updated_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC))
    Stake.objects.filter(pk=stakes[2].pk).update(
        updated_at=datetime.datetime(2018, 7, 1, tzinfo=datetime.UTC)
    )

    assert ids(api.get(URL, {"updated_after": "2018-07-01T00:00:00Z"})) == [
        stakes[2].pk
    ]


def test_it_orders_by_the_allowed_fields(api, stakes, world):
    fidelity_stripe, softbank_st, fidelity_st, alibaba_st, alibaba_megvii = stakes
    no_amount = StakeFactory(
        investor=world["softbank"],
        company=world["megvii"],
        amount=None,
        as_of=datetime.date(2018, 1, 1),
    )

    assert ids(api.get(URL, {"ordering": "amount_usd"})) == [
        fidelity_stripe.pk,
        alibaba_megvii.pk,
        fidelity_st.pk,
        alibaba_st.pk,
        softbank_st.pk,
        no_amount.pk,
    ]
    assert ids(api.get(URL, {"ordering": "-amount_usd"})) == [
        softbank_st.pk,
        alibaba_st.pk,
        fidelity_st.pk,
        alibaba_megvii.pk,
        fidelity_stripe.pk,
        no_amount.pk,
    ]
    # Ties (two stakes as of 2018-04-09) are broken by id.
    assert ids(api.get(URL, {"ordering": "as_of"})) == [
        alibaba_megvii.pk,
        no_amount.pk,
        alibaba_st.pk,
        fidelity_st.pk,
        softbank_st.pk,
        fidelity_stripe.pk,
    ]
    assert ids(api.get(URL, {"ordering": "created_at"})) == [
        alibaba_megvii.pk,
        alibaba_st.pk,
        fidelity_st.pk,
        softbank_st.pk,
        fidelity_stripe.pk,
        no_amount.pk,
    ]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("amount_min", "ten million"),
        ("amount_max", "$5"),
        ("as_of_after", "2018/01/01"),
        ("as_of_before", "soon"),
        ("updated_after", "2018-01-01T25:00:00Z"),
        ("ordering", "ownership_pct"),
        ("sector", "no-such-sector"),
        ("country", "XX"),
        ("investor_country", "EU"),
        ("status", "maybe"),
        ("is_lead", "yes"),
        ("investor", "alibaba"),
        ("round", "1.x"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(
    api, stakes, parameter, value
):
    response = api.get(URL, {parameter: value})

    assert response.status_code == 400
    assert list(field_errors(response)) == [parameter]


# Speed


def test_a_filtered_list_takes_the_same_queries_whatever_its_length(
    api, stakes, world, django_assert_num_queries
):
    filters = {
        "investor": f"{world['alibaba'].pk},{world['fidelity'].pk}",
        "company": f"{world['sensetime'].pk},{world['megvii'].pk}",
        "status": "closed",
        "sector": "artificial-intelligence",
        "country": "CN",
        "investor_country": "CN,GB",
        "amount_min": "1",
        "amount_max": "1000000000",
        "as_of_after": "2017-01-01",
        "as_of_before": "2018-12-31",
        "updated_after": "2000-01-01T00:00:00Z",
        "ordering": "-amount_usd",
    }
    # 1-3. authentication, 4. the confidential rounds the user's teams may
    # see, read once per request (crm.portfolio.walls.confidential_rounds_seen_by),
    # 5. the page (no COUNT: keyset pages; sub-sectors and the slug check are
    # subqueries).
    with django_assert_num_queries(5):
        response = api.get(URL, {**filters, "page_size": 1})
    assert len(response.json()["results"]) == 1
    with django_assert_num_queries(5):
        response = api.get(response.json()["next"])
    assert len(response.json()["results"]) == 1
    with django_assert_num_queries(5):
        response = api.get(URL, {**filters, "page_size": 50})
    assert len(response.json()["results"]) == 3
