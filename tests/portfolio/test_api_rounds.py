import datetime
from decimal import Decimal

import pytest

from crm.portfolio.models import FundingRound
from tests.api_pages import detail_of, field_errors, ids, iso, problem
from tests.factories import (
    FundingRoundFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/rounds/"


@pytest.fixture
def rounds(sensetime, megvii, stripe):
    """SenseTime's Series C (closed) and D (planned), Megvii's Series C (AI,
    CN), Stripe's Series E (fintech, US), with targets of $600M, $2B, $460M,
    $245M.
    """
    series_c = FundingRoundFactory(
        company=sensetime,
        name="Series C",
        stage=FundingRound.Stage.SERIES_C,
        status=FundingRound.Status.CLOSED,
        target_amount=Decimal("600000000.00"),
        raised_amount=Decimal("600000000.00"),
        announced_on=datetime.date(2018, 4, 9),
    )
    series_d = FundingRoundFactory(
        company=sensetime,
        name="Series D",
        stage=FundingRound.Stage.SERIES_D_PLUS,
        status=FundingRound.Status.PLANNED,
        target_amount=Decimal("2000000000.00"),
        announced_on=datetime.date(2018, 7, 1),
    )
    megvii_c = FundingRoundFactory(
        company=megvii,
        name="Series C",
        stage=FundingRound.Stage.SERIES_C,
        status=FundingRound.Status.CLOSED,
        target_amount=Decimal("460000000.00"),
        raised_amount=Decimal("460000000.00"),
        announced_on=datetime.date(2017, 10, 31),
    )
    stripe_e = FundingRoundFactory(
        company=stripe,
        name="Series E",
        stage=FundingRound.Stage.GROWTH,
        status=FundingRound.Status.OPEN,
        target_amount=Decimal("245000000.00"),
        raised_amount=Decimal("100000000.00"),
        announced_on=datetime.date(2018, 9, 1),
    )
    return series_c, series_d, megvii_c, stripe_e


def payload(company, /, **changes):
    return {
        "company": company.pk,
        "name": "Series C+",
        "stage": "series_c",
        "status": "closed",
        "currency": "CNY",
        "target_amount": "4000000000.00",
        "raised_amount": "4000000000.00",
        "pre_money_valuation": "26000000000.00",
        "post_money_valuation": "30000000000.00",
        "announced_on": "2018-05-30",
        "closed_on": "2018-06-15",
        **changes,
    }


# Reading


def test_it_shows_a_round_with_every_amount_also_in_usd(api, cny_rates, sensetime):
    series_c = FundingRoundFactory(
        company=sensetime,
        name="Series C",
        stage=FundingRound.Stage.SERIES_C,
        status=FundingRound.Status.CLOSED,
        currency="CNY",
        target_amount=Decimal("4000000000.00"),
        raised_amount=Decimal("3800000000.00"),
        pre_money_valuation=Decimal("26000000000.00"),
        post_money_valuation=Decimal("30000000000.00"),
        announced_on=datetime.date(2018, 7, 2),
        closed_on=datetime.date(2018, 9, 30),
    )

    response = api.get(f"{URL}{series_c.pk}/")

    assert response.status_code == 200
    # At the rate of 2018-06-01, the latest on or before the announcement.
    assert response.json() == {
        "id": series_c.pk,
        "external_id": "",
        "company": sensetime.pk,
        "name": "Series C",
        "stage": "series_c",
        "status": "closed",
        "currency": "CNY",
        "target_amount": "4000000000.00",
        "target_amount_usd": "640000000.00",
        "raised_amount": "3800000000.00",
        "raised_amount_usd": "608000000.00",
        "held_usd": "0.00",
        "raised_usd": "608000000.00",
        "pre_money_valuation": "26000000000.00",
        "pre_money_valuation_usd": "4160000000.00",
        "post_money_valuation": "30000000000.00",
        "post_money_valuation_usd": "4800000000.00",
        "fx_rate_date": "2018-06-01",
        "announced_on": "2018-07-02",
        "closed_on": "2018-09-30",
        "confidential": False,
        "teams": [],
        "created_at": iso(series_c.created_at),
        "updated_at": iso(series_c.updated_at),
    }


def test_it_lists_the_latest_announced_first_in_pages_with_a_next_link(api, rounds):
    series_c, series_d, megvii_c, stripe_e = rounds
    undated = FundingRoundFactory(company=series_c.company, announced_on=None)

    response = api.get(URL, {"page_size": 3})

    body = response.json()
    assert [row["id"] for row in body["results"]] == [
        stripe_e.pk,
        series_d.pk,
        series_c.pk,
    ]
    assert body["count"] == 5
    assert body["next"] == "http://testserver/api/v1/rounds/?page=2&page_size=3"
    page_2 = api.get(body["next"]).json()
    assert [row["id"] for row in page_2["results"]] == [megvii_c.pk, undated.pk]
    assert page_2["next"] is None


# Writing


def test_it_creates_a_round_converting_its_amounts_to_usd(api, cny_rates, sensetime):
    response = api.post(URL, payload(sensetime))

    assert response.status_code == 201
    created = FundingRound.objects.get(name="Series C+")
    assert response["Location"] == f"http://testserver/api/v1/rounds/{created.pk}/"
    assert response.json() == {
        "id": created.pk,
        "external_id": "",
        **payload(sensetime),
        "target_amount_usd": "600000000.00",
        "raised_amount_usd": "600000000.00",
        "held_usd": "0.00",
        "raised_usd": "600000000.00",
        "pre_money_valuation_usd": "3900000000.00",
        "post_money_valuation_usd": "4500000000.00",
        "fx_rate_date": "2018-01-01",
        "confidential": False,
        "teams": [],
        "created_at": iso(created.created_at),
        "updated_at": iso(created.updated_at),
    }


def test_it_creates_a_round_from_a_company_and_a_name(api, sensetime):
    response = api.post(URL, {"company": sensetime.pk, "name": "Series D"})

    assert response.status_code == 201
    body = response.json()
    assert body["currency"] == "USD"
    assert body["stage"] == "other"
    assert body["status"] == "planned"
    assert body["target_amount"] is None
    assert body["target_amount_usd"] is None


def test_it_replaces_a_round_with_put_recomputing_usd_values(api, cny_rates, rounds):
    series_c = rounds[0]

    response = api.put(
        f"{URL}{series_c.pk}/",
        payload(series_c.company, announced_on="2018-06-01", closed_on=None),
    )

    assert response.status_code == 200
    series_c.refresh_from_db()
    assert series_c.name == "Series C+"
    assert series_c.currency == "CNY"
    assert series_c.closed_on is None
    assert series_c.target_amount_usd == Decimal("640000000.00")
    assert response.json()["target_amount_usd"] == "640000000.00"


def test_patching_the_announcement_date_recomputes_usd_values(
    api, cny_rates, sensetime
):
    series_c = FundingRoundFactory(
        company=sensetime,
        currency="CNY",
        target_amount=Decimal("1000.00"),
        announced_on=datetime.date(2018, 5, 1),
    )
    assert series_c.target_amount_usd == Decimal("150.00")

    response = api.patch(f"{URL}{series_c.pk}/", {"announced_on": "2018-06-01"})

    assert response.status_code == 200
    assert response.json()["target_amount_usd"] == "160.00"
    series_c.refresh_from_db()
    assert series_c.target_amount_usd == Decimal("160.00")


def test_usd_values_are_read_only(api, rounds):
    series_c = rounds[0]

    response = api.patch(
        f"{URL}{series_c.pk}/", {"name": "Series C1", "target_amount_usd": "1.00"}
    )

    assert response.status_code == 200
    assert response.json()["target_amount_usd"] == "600000000.00"
    series_c.refresh_from_db()
    assert series_c.target_amount_usd == Decimal("600000000.00")


def test_it_deletes_a_round_without_stakes(admin_api, rounds):
    series_d = rounds[1]

    assert admin_api.delete(f"{URL}{series_d.pk}/").status_code == 204
    assert not FundingRound.objects.filter(pk=series_d.pk).exists()


def test_it_refuses_to_delete_a_round_with_stakes_with_409(admin_api, rounds):
    series_c = rounds[0]
    StakeFactory(company=series_c.company, round=series_c)
    StakeFactory(company=series_c.company, round=series_c)

    response = admin_api.delete(f"{URL}{series_c.pk}/")

    assert response.status_code == 409
    assert (
        detail_of(response)
        == "Cannot delete funding round “SenseTime Series C”: 2 stakes depend on it."
    )
    assert FundingRound.objects.filter(pk=series_c.pk).exists()
    assert series_c.stakes.count() == 2


def test_the_deal_team_may_not_delete_rounds(api, rounds):
    assert api.delete(f"{URL}{rounds[1].pk}/").status_code == 403
    assert FundingRound.objects.filter(pk=rounds[1].pk).exists()


# Rules: 400s naming the field


def test_it_rejects_a_close_before_the_announcement_on_closed_on(api, sensetime):
    response = api.post(
        URL,
        payload(
            sensetime, currency="USD", announced_on="2018-05-30", closed_on="2018-05-29"
        ),
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "closed_on": ["A round cannot close before it was announced."]
    }


def test_it_rejects_post_money_below_pre_money_on_post_money_valuation(api, rounds):
    series_c = rounds[0]

    response = api.patch(
        f"{URL}{series_c.pk}/",
        {"pre_money_valuation": "4000000000", "post_money_valuation": "3999999999.99"},
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "post_money_valuation": [
            "The post-money valuation cannot be below the pre-money valuation."
        ]
    }


def test_it_rejects_an_amount_without_a_rate_for_its_currency_and_date(
    api, cny_rates, sensetime
):
    response = api.post(URL, payload(sensetime, announced_on="2017-12-31"))

    assert response.status_code == 400
    assert field_errors(response) == {
        "currency": ["No exchange rate for CNY on or before 2017-12-31."]
    }
    assert not FundingRound.objects.exists()


@pytest.mark.parametrize(
    "field",
    ["target_amount", "raised_amount", "pre_money_valuation", "post_money_valuation"],
)
def test_it_rejects_a_negative_amount_on_its_field(api, sensetime, field):
    response = api.post(
        URL,
        {"company": sensetime.pk, "name": "Series D", field: "-1.00"},
    )

    assert response.status_code == 400
    assert list(field_errors(response)) == [field]
    assert field_errors(response)[field][0] == "An amount cannot be negative."


def test_it_rejects_a_second_round_of_the_same_name_in_any_case(api, rounds):
    series_c = rounds[0]

    response = api.post(URL, {"company": series_c.company.pk, "name": "SERIES C"})

    assert field_errors(response) == {
        "name": ["This company already has a round with this name."]
    }
    assert problem(response, 409)["existing"] == {
        "id": series_c.pk,
        "url": f"http://testserver/api/v1/rounds/{series_c.pk}/",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stage", "series_z"),
        ("status", "postponed"),
        ("currency", "XYZ"),
        ("currency", "cny"),
        ("company", 0),
        ("company", None),
        ("announced_on", "30/05/2018"),
        ("target_amount", "two billion"),
        ("target_amount", "1e30"),
    ],
)
def test_it_rejects_invalid_values_on_their_field(
    api, cny_rates, sensetime, field, value
):
    response = api.post(URL, payload(sensetime, **{field: value}))

    assert response.status_code == 400
    assert list(field_errors(response)) == [field]
    assert not FundingRound.objects.exists()


def test_it_rejects_malformed_json(api):
    response = api.post(
        URL, data="{'name': 'Series C'}", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


# Filters


def test_it_filters_by_company(api, rounds):
    series_c, series_d, megvii_c, _ = rounds

    assert ids(api.get(URL, {"company": series_c.company.pk})) == [
        series_d.pk,
        series_c.pk,
    ]
    assert ids(
        api.get(URL, {"company": f"{series_c.company.pk},{megvii_c.company.pk}"})
    ) == [series_d.pk, series_c.pk, megvii_c.pk]


def test_it_filters_by_any_of_several_stages_and_statuses(api, rounds):
    series_c, series_d, megvii_c, stripe_e = rounds

    assert ids(api.get(URL, {"stage": "series_c"})) == [series_c.pk, megvii_c.pk]
    assert ids(api.get(URL, {"stage": "growth,series_d_plus"})) == [
        stripe_e.pk,
        series_d.pk,
    ]
    assert ids(api.get(URL, {"status": "open,planned"})) == [
        stripe_e.pk,
        series_d.pk,
    ]
    assert ids(api.get(URL, {"status": "closed", "stage": "series_c"})) == [
        series_c.pk,
        megvii_c.pk,
    ]


def test_it_filters_by_the_companys_sector_including_sub_sectors(api, rounds):
    series_c, series_d, megvii_c, stripe_e = rounds

    assert ids(api.get(URL, {"sector": "artificial-intelligence"})) == [
        series_d.pk,
        series_c.pk,
        megvii_c.pk,
    ]
    assert ids(api.get(URL, {"sector": "computer-vision"})) == [
        series_d.pk,
        series_c.pk,
    ]
    assert ids(api.get(URL, {"sector": "fintech,computer-vision"})) == [
        stripe_e.pk,
        series_d.pk,
        series_c.pk,
    ]


def test_it_filters_by_the_companys_country(api, rounds):
    series_c, series_d, megvii_c, stripe_e = rounds

    assert ids(api.get(URL, {"country": "US"})) == [stripe_e.pk]
    assert ids(api.get(URL, {"country": "CN,HK"})) == [
        series_d.pk,
        series_c.pk,
        megvii_c.pk,
    ]


def test_it_filters_by_target_size_in_usd_inclusive(api, cny_rates, rounds):
    series_c, series_d, megvii_c, stripe_e = rounds
    # 4,000,000,000 CNY at 0.15 = $600M, as large as SenseTime's Series C.
    in_yuan = FundingRoundFactory(
        company=megvii_c.company,
        name="Series D",
        currency="CNY",
        target_amount=Decimal("4000000000.00"),
        announced_on=datetime.date(2018, 2, 1),
    )

    assert ids(api.get(URL, {"size_min": "600000000"})) == [
        series_d.pk,
        series_c.pk,
        in_yuan.pk,
    ]
    assert ids(api.get(URL, {"size_max": "460000000"})) == [
        stripe_e.pk,
        megvii_c.pk,
    ]
    assert ids(api.get(URL, {"size_min": "460000000", "size_max": "600000000"})) == [
        series_c.pk,
        in_yuan.pk,
        megvii_c.pk,
    ]


def test_it_filters_by_announcement_dates_inclusive(api, rounds):
    series_c, series_d, megvii_c, stripe_e = rounds

    assert ids(api.get(URL, {"announced_after": "2018-07-01"})) == [
        stripe_e.pk,
        series_d.pk,
    ]
    assert ids(api.get(URL, {"announced_before": "2018-04-09"})) == [
        series_c.pk,
        megvii_c.pk,
    ]
    assert ids(
        api.get(
            URL, {"announced_after": "2018-04-09", "announced_before": "2018-07-01"}
        )
    ) == [series_d.pk, series_c.pk]


def test_it_filters_by_updated_after(api, rounds):
    FundingRound.objects.update(
        updated_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
    )
    FundingRound.objects.filter(pk=rounds[2].pk).update(
        updated_at=datetime.datetime(2018, 7, 1, tzinfo=datetime.UTC)
    )

    assert ids(api.get(URL, {"updated_after": "2018-06-30T23:59:59Z"})) == [
        rounds[2].pk
    ]


def test_it_orders_by_the_allowed_fields(api, rounds):
    series_c, series_d, megvii_c, stripe_e = rounds

    assert ids(api.get(URL, {"ordering": "announced_on"})) == [
        megvii_c.pk,
        series_c.pk,
        series_d.pk,
        stripe_e.pk,
    ]
    assert ids(api.get(URL, {"ordering": "-target_amount_usd"})) == [
        series_d.pk,
        series_c.pk,
        megvii_c.pk,
        stripe_e.pk,
    ]
    # Series D has raised nothing yet: empty values come last either way.
    assert ids(api.get(URL, {"ordering": "raised_amount_usd"})) == [
        stripe_e.pk,
        megvii_c.pk,
        series_c.pk,
        series_d.pk,
    ]
    assert ids(api.get(URL, {"ordering": "-raised_amount_usd"})) == [
        series_c.pk,
        megvii_c.pk,
        stripe_e.pk,
        series_d.pk,
    ]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("size_min", "big"),
        ("size_max", "1,000"),
        ("announced_after", "2018-13-01"),
        ("announced_before", "last week"),
        ("updated_after", "2018-02-30T00:00:00Z"),
        ("ordering", "name"),
        ("sector", "no-such-sector"),
        ("country", "ZZ"),
        ("stage", "series_z"),
        ("status", "postponed"),
        ("company", "sensetime"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(
    api, rounds, parameter, value
):
    response = api.get(URL, {parameter: value})

    assert response.status_code == 400
    assert list(field_errors(response)) == [parameter]


# Speed


def test_a_filtered_list_takes_the_same_queries_whatever_its_length(
    api, rounds, django_assert_num_queries
):
    filters = {
        "company": ",".join(str(r.company_id) for r in rounds),
        "stage": "series_c,series_d_plus",
        "status": "closed,planned",
        "sector": "artificial-intelligence",
        "country": "CN",
        "size_min": "1",
        "announced_after": "2017-01-01",
        "announced_before": "2018-12-31",
        "updated_after": "2000-01-01T00:00:00Z",
        "ordering": "-target_amount_usd",
    }
    # 1-3. authentication, 4. the confidential rounds the user's teams may
    # see, read once per request (crm.portfolio.walls.confidential_rounds_seen_by),
    # 5. COUNT(*), 6. the page (sub-sectors and the slug check are
    # subqueries), 7. the teams of its rounds.
    with django_assert_num_queries(7):
        response = api.get(URL, {**filters, "page_size": 1})
    assert response.json()["count"] == 3
    with django_assert_num_queries(7):
        response = api.get(URL, {**filters, "page_size": 50})
    assert len(response.json()["results"]) == 3
