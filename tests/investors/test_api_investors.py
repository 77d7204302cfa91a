import datetime
from decimal import Decimal

import pytest

from crm.investors.models import Contact, Investor
from tests.api_pages import detail_of, field_errors, ids, iso, problem
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    InteractionFactory,
    InvestorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/investors/"


def at(day, hour=9):
    return datetime.datetime(2018, 7, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def alibaba(sectors, deal_team_user):
    _, cv, fintech = sectors
    return InvestorFactory(
        name="Alibaba Group",
        kind=Investor.Kind.STRATEGIC,
        country="CN",
        city="Hangzhou",
        website="https://www.alibabagroup.com",
        description="E-commerce group investing in visual computing.",
        sectors=[cv, fintech],
        check_size_min_usd=Decimal("50000000.00"),
        check_size_max_usd=Decimal("1000000000.00"),
        aum_usd=Decimal("20000000000.00"),
        owner=deal_team_user,
    )


def investor_payload(**changes):
    return {
        "name": "HOPU Capital",
        "aliases": [],
        "kind": "private_equity",
        "country": "HK",
        "city": "Hong Kong",
        "website": "https://www.hopuinvestments.com",
        "description": "Private equity in Greater China.",
        "sectors": ["computer-vision"],
        "check_size_min_usd": "10000000.00",
        "check_size_max_usd": "200000000.00",
        "aum_usd": "9000000000.00",
        "owner": None,
        "contact_cadence_days": 90,
        **changes,
    }


# Reading


def test_it_shows_an_investor_with_figures_from_2_stakes_not_3_interactions(
    api, alibaba, sensetime, megvii, deal_team_user
):
    StakeFactory(investor=alibaba, company=sensetime, amount=Decimal("600000000.00"))
    StakeFactory(investor=alibaba, company=megvii, amount=Decimal("400000000.00"))
    for day in (2, 9, 5):
        InteractionFactory(investor=alibaba, occurred_at=at(day))
    # Its figures and last contact changed: so did its updated_at.
    alibaba.refresh_from_db()

    response = api.get(f"{URL}{alibaba.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": alibaba.pk,
        "external_id": "",
        "name": "Alibaba Group",
        "aliases": [],
        "kind": "strategic",
        "country": "CN",
        "city": "Hangzhou",
        "website": "https://www.alibabagroup.com",
        "description": "E-commerce group investing in visual computing.",
        "sectors": ["computer-vision", "fintech"],
        "check_size_min_usd": "50000000.00",
        "check_size_max_usd": "1000000000.00",
        "aum_usd": "20000000000.00",
        "owner": deal_team_user.pk,
        "contact_cadence_days": None,
        "total_stake_usd": "1000000000.00",
        "largest_stake_usd": "600000000.00",
        "portfolio_count": 2,
        "pipeline_usd": "0.00",
        "last_interaction_at": "2018-07-09T09:00:00Z",
        "created_at": iso(alibaba.created_at),
        "updated_at": iso(alibaba.updated_at),
    }


def test_declined_stakes_count_in_no_figure(api, alibaba, sensetime, megvii):
    StakeFactory(investor=alibaba, company=sensetime, amount=Decimal("600000000.00"))
    StakeFactory(
        investor=alibaba,
        company=megvii,
        amount=Decimal("900000000.00"),
        status="declined",
    )

    body = api.get(f"{URL}{alibaba.pk}/").json()

    assert body["total_stake_usd"] == "600000000.00"
    assert body["largest_stake_usd"] == "600000000.00"
    assert body["portfolio_count"] == 1


def test_an_investor_without_stakes_or_interactions_has_empty_figures(api):
    investor = InvestorFactory(name="Fidelity International")

    body = api.get(f"{URL}{investor.pk}/").json()

    assert body["total_stake_usd"] == "0.00"
    assert body["largest_stake_usd"] is None
    assert body["portfolio_count"] == 0
    assert body["last_interaction_at"] is None


def test_it_lists_investors_by_name_in_pages(api):
    silver_lake = InvestorFactory(name="Silver Lake Partners")
    alibaba = InvestorFactory(name="Alibaba Group")
    InvestorFactory(name="SoftBank Vision Fund")

    response = api.get(URL, {"page_size": 2})

    body = response.json()
    assert ids(response) == [alibaba.pk, silver_lake.pk]
    assert body["count"] == 3
    assert body["next"] == "http://testserver/api/v1/investors/?page=2&page_size=2"
    assert ids(api.get(body["next"])) == [
        Investor.objects.get(name="SoftBank Vision Fund").pk
    ]


# Writing


def test_it_creates_an_investor_with_a_location(api, sectors):
    response = api.post(URL, investor_payload(), format="json")

    assert response.status_code == 201
    created = Investor.objects.get(name="HOPU Capital")
    assert response["Location"] == f"http://testserver/api/v1/investors/{created.pk}/"
    assert response.json() == {
        "id": created.pk,
        "external_id": "",
        **investor_payload(),
        "total_stake_usd": "0.00",
        "largest_stake_usd": None,
        "portfolio_count": 0,
        "pipeline_usd": "0.00",
        "last_interaction_at": None,
        "created_at": iso(created.created_at),
        "updated_at": iso(created.updated_at),
    }
    assert [s.slug for s in created.sectors.all()] == ["computer-vision"]


def test_it_creates_an_investor_from_a_name_alone(api):
    response = api.post(URL, {"name": "SoftBank Vision Fund"})

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "other"
    assert body["country"] == ""
    assert body["sectors"] == []
    assert body["check_size_min_usd"] is None


def test_it_replaces_an_investor_and_shows_its_figures(
    api, alibaba, sensetime, deal_team_user
):
    StakeFactory(investor=alibaba, company=sensetime, amount=Decimal("600000000.00"))

    response = api.put(
        f"{URL}{alibaba.pk}/",
        investor_payload(
            name="Alibaba Group Holding",
            sectors=["fintech"],
            owner=deal_team_user.pk,
        ),
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Alibaba Group Holding"
    assert body["kind"] == "private_equity"
    assert body["sectors"] == ["fintech"]
    assert body["owner"] == deal_team_user.pk
    assert body["total_stake_usd"] == "600000000.00"
    alibaba.refresh_from_db()
    assert alibaba.city == "Hong Kong"
    assert [s.slug for s in alibaba.sectors.all()] == ["fintech"]


def test_it_updates_part_of_an_investor(api, alibaba):
    response = api.patch(
        f"{URL}{alibaba.pk}/", {"city": "Beijing", "owner": None}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["city"] == "Beijing"
    assert body["owner"] is None
    assert body["sectors"] == ["computer-vision", "fintech"]
    alibaba.refresh_from_db()
    assert alibaba.city == "Beijing"
    assert alibaba.owner is None


def test_figures_cannot_be_written(api, alibaba):
    response = api.patch(
        f"{URL}{alibaba.pk}/",
        {"total_stake_usd": "5.00", "portfolio_count": 7},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["total_stake_usd"] == "0.00"
    assert response.json()["portfolio_count"] == 0


# 400s


def test_it_rejects_a_largest_check_below_the_smallest(api):
    response = api.post(
        URL,
        investor_payload(
            sectors=[],
            check_size_min_usd="50000000.00",
            check_size_max_usd="49999999.99",
        ),
        format="json",
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "check_size_max_usd": ["The largest check cannot be smaller than the smallest."]
    }
    assert not Investor.objects.exists()


def test_it_rejects_a_largest_check_below_the_smallest_on_a_partial_update(
    api, alibaba
):
    response = api.patch(
        f"{URL}{alibaba.pk}/", {"check_size_max_usd": "1.00"}, format="json"
    )

    assert response.status_code == 400
    assert list(field_errors(response)) == ["check_size_max_usd"]
    alibaba.refresh_from_db()
    assert alibaba.check_size_max_usd == Decimal("1000000000.00")


@pytest.mark.parametrize(
    "field", ["check_size_min_usd", "check_size_max_usd", "aum_usd"]
)
def test_it_rejects_negative_amounts(api, field):
    response = api.post(
        URL,
        {"name": "HOPU Capital", field: "-1.00"},
        format="json",
    )

    assert response.status_code == 400
    assert field_errors(response) == {field: ["An amount cannot be negative."]}


def test_creating_a_name_differing_only_in_case_is_a_409_linking_the_existing_one(
    api, alibaba
):
    response = api.post(URL, {"name": "ALIBABA group"}, format="json")

    assert problem(response, 409) == {
        "type": "urn:crm:problem:unique",
        "title": "Conflict",
        "status": 409,
        "detail": "name: An investor with this name already exists.",
        "errors": [
            {
                "field": "name",
                "code": "unique",
                "message": "An investor with this name already exists.",
            }
        ],
        "existing": {
            "id": alibaba.pk,
            "url": f"http://testserver/api/v1/investors/{alibaba.pk}/",
        },
    }


def test_it_rejects_renaming_to_a_name_differing_only_in_case(api, alibaba):
    other = InvestorFactory(name="HOPU Capital")

    response = api.patch(f"{URL}{other.pk}/", {"name": "alibaba GROUP"})

    assert response.status_code == 400
    assert field_errors(response) == {
        "name": ["An investor with this name already exists."]
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "hedge_fund"),
        ("country", "ZZ"),
        ("sectors", ["no-such-sector"]),
        ("owner", 999999),
        ("website", "not a url"),
        ("aum_usd", "lots"),
        ("name", ""),
    ],
)
def test_it_rejects_an_invalid_value_on_its_field(api, sectors, field, value):
    response = api.post(URL, investor_payload(**{field: value}), format="json")

    assert response.status_code == 400
    assert list(field_errors(response)) == [field]
    assert not Investor.objects.exists()


def test_it_rejects_malformed_json(api):
    response = api.post(URL, '{"name": "HOPU', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


# Filters


@pytest.fixture
def investors(sectors, sensetime, megvii):
    """Four investors with stakes, contacts and focus sectors to filter on."""
    ai, cv, fintech = sectors
    alibaba = InvestorFactory(
        name="Alibaba Group", kind="strategic", country="CN", sectors=[cv]
    )
    hopu = InvestorFactory(
        name="HOPU Capital", kind="private_equity", country="HK", sectors=[ai]
    )
    silver_lake = InvestorFactory(
        name="Silver Lake Partners",
        kind="private_equity",
        country="US",
        description="Technology investing at scale.",
        sectors=[fintech],
    )
    softbank = InvestorFactory(
        name="SoftBank Vision Fund", kind="venture_capital", country="GB"
    )
    StakeFactory(investor=alibaba, company=sensetime, amount=Decimal("600000000.00"))
    StakeFactory(investor=alibaba, company=megvii, amount=Decimal("400000000.00"))
    StakeFactory(investor=hopu, company=sensetime, amount=Decimal("100000000.00"))
    StakeFactory(investor=hopu, company=megvii, amount=Decimal("900000000.00"))
    StakeFactory(
        investor=silver_lake,
        company=sensetime,
        amount=Decimal("500000000.00"),
        status="committed",
    )
    StakeFactory(
        investor=softbank,
        company=megvii,
        amount=Decimal("1000000000.00"),
        status="declined",
    )
    StakeFactory(
        investor=softbank,
        company=sensetime,
        amount=Decimal("10000000.00"),
        status="prospect",
    )
    ContactFactory(
        investor=alibaba, first_name="Joe", last_name="Tsai", email="joe@alibaba.com"
    )
    ContactFactory(
        investor=hopu, first_name="Fang", last_name="Fenglei", email="ff@hopu.com"
    )
    return alibaba, hopu, silver_lake, softbank


def test_it_filters_by_sector_including_sub_sectors(api, investors):
    alibaba, hopu, silver_lake, _ = investors

    assert ids(api.get(URL, {"sector": "artificial-intelligence"})) == [
        alibaba.pk,
        hopu.pk,
    ]
    assert ids(api.get(URL, {"sector": "computer-vision"})) == [alibaba.pk]
    assert ids(api.get(URL, {"sector": "computer-vision,fintech"})) == [
        alibaba.pk,
        silver_lake.pk,
    ]


def test_an_investor_in_two_matching_sectors_is_listed_once(api, sectors):
    ai, cv, _ = sectors
    both = InvestorFactory(name="Both", sectors=[ai, cv])

    assert ids(api.get(URL, {"sector": "artificial-intelligence"})) == [both.pk]


def test_it_filters_by_country_any_of(api, investors):
    alibaba, hopu, _, _ = investors

    assert ids(api.get(URL, {"country": "CN,HK"})) == [alibaba.pk, hopu.pk]
    assert ids(api.get(URL, {"country": "HK"})) == [hopu.pk]


def test_it_filters_by_kind_any_of(api, investors):
    alibaba, hopu, silver_lake, _ = investors

    assert ids(api.get(URL, {"kind": "private_equity"})) == [hopu.pk, silver_lake.pk]
    assert ids(api.get(URL, {"kind": "strategic,private_equity"})) == [
        alibaba.pk,
        hopu.pk,
        silver_lake.pk,
    ]


def test_it_filters_by_one_stake_within_bounds_inclusive(api, investors):
    alibaba, hopu, silver_lake, _ = investors

    # Held stakes: Alibaba 600M and 400M, HOPU 100M and 900M, Silver Lake
    # 500M; SoftBank holds none (1B declined, 10M a prospect).
    assert ids(api.get(URL, {"stake_min": "500000000"})) == [
        alibaba.pk,
        hopu.pk,
        silver_lake.pk,
    ]
    assert ids(api.get(URL, {"stake_max": "100000000.00"})) == [hopu.pk]
    assert ids(api.get(URL, {"stake_min": "400000000", "stake_max": "500000000"})) == [
        alibaba.pk,
        silver_lake.pk,
    ]


def test_stake_bounds_apply_to_the_same_stake(api, investors):
    alibaba, _, silver_lake, _ = investors

    # HOPU has a stake under 200M and one over 800M, but none between.
    response = api.get(URL, {"stake_min": "200000000", "stake_max": "800000000"})

    assert ids(response) == [alibaba.pk, silver_lake.pk]


def test_stake_status_restricts_which_stakes_count_for_the_bounds(api, investors):
    _, _, silver_lake, softbank = investors

    # SoftBank's 1B stake was declined: not held, so stake_min looks past
    # it unless stake_status names declined stakes.
    assert ids(api.get(URL, {"stake_min": "950000000"})) == []
    assert ids(
        api.get(URL, {"stake_min": "950000000", "stake_status": "declined"})
    ) == [softbank.pk]
    assert (
        ids(
            api.get(URL, {"stake_min": "950000000", "stake_status": "closed,committed"})
        )
        == []
    )
    assert ids(
        api.get(URL, {"stake_min": "450000000", "stake_status": "committed"})
    ) == [silver_lake.pk]
    # The status and the amount must hold for the same stake: SoftBank's
    # prospect stake is 10M, its large one declined.
    assert (
        ids(api.get(URL, {"stake_min": "500000000", "stake_status": "prospect"})) == []
    )


def test_stake_status_alone_finds_investors_with_such_a_stake(api, investors):
    _, _, silver_lake, softbank = investors

    assert ids(api.get(URL, {"stake_status": "committed,declined"})) == [
        silver_lake.pk,
        softbank.pk,
    ]


def test_it_filters_by_total_stake_without_declined_stakes(api, investors):
    alibaba, hopu, silver_lake, softbank = investors

    # Held totals: Alibaba 1B, HOPU 1B, Silver Lake 500M, SoftBank 0 (its 10M
    # is a prospect, its 1B declined).
    assert ids(api.get(URL, {"total_stake_min": "1000000000"})) == [
        alibaba.pk,
        hopu.pk,
    ]
    assert ids(api.get(URL, {"total_stake_max": "500000000"})) == [
        silver_lake.pk,
        softbank.pk,
    ]
    assert ids(api.get(URL, {"total_stake_min": "0", "total_stake_max": "0"})) == [
        softbank.pk
    ]


def test_total_stake_filters_are_not_inflated_by_interactions(api, alibaba, sensetime):
    StakeFactory(investor=alibaba, company=sensetime, amount=Decimal("300000000.00"))
    StakeFactory(
        investor=alibaba,
        company=CompanyFactory(name="Megvii"),
        amount=Decimal("200000000.00"),
    )
    for day in (1, 2, 3):
        InteractionFactory(investor=alibaba, occurred_at=at(day))

    assert ids(api.get(URL, {"total_stake_min": "500000000"})) == [alibaba.pk]
    assert ids(api.get(URL, {"total_stake_min": "500000000.01"})) == []
    assert api.get(URL).json()["results"][0]["total_stake_usd"] == "500000000.00"


def test_it_filters_by_company_any_of_without_duplicates(
    api, investors, sensetime, megvii
):
    alibaba, hopu, silver_lake, softbank = investors

    assert ids(api.get(URL, {"company": str(megvii.pk)})) == [
        alibaba.pk,
        hopu.pk,
        softbank.pk,
    ]
    assert ids(api.get(URL, {"company": f"{sensetime.pk},{megvii.pk}"})) == [
        alibaba.pk,
        hopu.pk,
        silver_lake.pk,
        softbank.pk,
    ]


def test_it_searches_names_descriptions_and_contacts(api, investors):
    alibaba, hopu, silver_lake, _ = investors

    assert ids(api.get(URL, {"search": "alibaba"})) == [alibaba.pk]
    assert ids(api.get(URL, {"search": "technology"})) == [silver_lake.pk]
    assert ids(api.get(URL, {"search": "tsai"})) == [alibaba.pk]
    assert ids(api.get(URL, {"search": "FANG"})) == [hopu.pk]
    assert ids(api.get(URL, {"search": "joe tsai"})) == [alibaba.pk]
    assert ids(api.get(URL, {"search": "ff@hopu"})) == [hopu.pk]
    assert ids(api.get(URL, {"search": "nobody"})) == []


def test_a_search_matching_several_contacts_lists_the_investor_once(api, alibaba):
    ContactFactory(investor=alibaba, first_name="Daniel", last_name="Zhang")
    ContactFactory(investor=alibaba, first_name="Daniel", last_name="Wong")

    assert ids(api.get(URL, {"search": "daniel"})) == [alibaba.pk]


def test_it_filters_by_updated_after(api, investors):
    alibaba, hopu, _, _ = investors
    Investor.objects.update(
        updated_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
    )
    Investor.objects.filter(pk__in=[alibaba.pk, hopu.pk]).update(
        updated_at=datetime.datetime(2018, 7, 1, tzinfo=datetime.UTC)
    )

    assert ids(api.get(URL, {"updated_after": "2018-07-01T00:00:00Z"})) == [
        alibaba.pk,
        hopu.pk,
    ]
    assert ids(api.get(URL, {"updated_after": "2018-07-01T00:00:01+00:00"})) == []


def test_filters_combine(api, investors):
    alibaba, _, _, _ = investors

    response = api.get(
        URL,
        {
            "sector": "artificial-intelligence",
            "country": "CN,HK,US",
            "stake_min": "500000000",
            "stake_status": "closed",
            "kind": "strategic",
        },
    )

    assert ids(response) == [alibaba.pk]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("country", "ZZ"),
        ("country", "CN,XX"),
        ("kind", "hedge_fund"),
        ("stake_min", "lots"),
        ("stake_max", "1e"),
        ("stake_status", "won"),
        ("total_stake_min", "NaN"),
        ("total_stake_max", "Infinity"),
        ("company", "sensetime"),
        ("company", "1.5"),
        ("company", "99999999999999999999999"),
        ("updated_after", "yesterday"),
        ("ordering", "aum_usd"),
        ("ordering", "-portfolio_count"),
        ("sector", "no-such-sector"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(
    api, investors, parameter, value
):
    response = api.get(URL, {parameter: value})

    assert response.status_code == 400
    assert list(field_errors(response)) == [parameter]


def test_an_unknown_sector_is_named_in_the_error(api, sectors):
    response = api.get(URL, {"sector": "computer-vision,no-such-sector"})

    assert response.status_code == 400
    assert field_errors(response) == {"sector": ["Unknown sector: no-such-sector."]}


def test_an_amount_beyond_the_filter_range_is_a_400_naming_the_parameter(
    api, investors
):
    response = api.get(URL, {"stake_min": "1e400"})

    assert response.status_code == 400
    assert field_errors(response) == {
        "stake_min": ["Ensure this value is less than or equal to 1e+50."]
    }


def test_an_amount_beyond_any_stake_matches_nothing(api, investors):
    huge = "123456789012345678901234.56"

    assert ids(api.get(URL, {"stake_min": huge})) == []
    assert ids(api.get(URL, {"total_stake_min": huge})) == []


# Ordering


def test_it_orders_by_total_stake_descending(api, investors):
    alibaba, hopu, silver_lake, softbank = investors

    # Alibaba and HOPU tie at 1B: ties go by id.
    assert ids(api.get(URL, {"ordering": "-total_stake_usd"})) == [
        alibaba.pk,
        hopu.pk,
        silver_lake.pk,
        softbank.pk,
    ]
    assert ids(api.get(URL, {"ordering": "total_stake_usd"})) == [
        softbank.pk,
        silver_lake.pk,
        alibaba.pk,
        hopu.pk,
    ]


def test_it_orders_by_largest_stake_with_empty_values_last(api, investors):
    alibaba, hopu, silver_lake, softbank = investors
    fidelity = InvestorFactory(name="Fidelity International")

    # SoftBank holds no stake (declined, prospect): no largest, like Fidelity.
    assert ids(api.get(URL, {"ordering": "-largest_stake_usd"})) == [
        hopu.pk,
        alibaba.pk,
        silver_lake.pk,
        softbank.pk,
        fidelity.pk,
    ]
    assert ids(api.get(URL, {"ordering": "largest_stake_usd"})) == [
        silver_lake.pk,
        alibaba.pk,
        hopu.pk,
        softbank.pk,
        fidelity.pk,
    ]


def test_it_orders_by_last_interaction_with_empty_values_last(api, investors):
    alibaba, hopu, silver_lake, softbank = investors
    InteractionFactory(investor=hopu, occurred_at=at(1))
    InteractionFactory(investor=alibaba, occurred_at=at(3))
    InteractionFactory(investor=hopu, occurred_at=at(5))
    InteractionFactory(investor=silver_lake, occurred_at=at(4))

    assert ids(api.get(URL, {"ordering": "-last_interaction_at"})) == [
        hopu.pk,
        silver_lake.pk,
        alibaba.pk,
        softbank.pk,
    ]
    assert ids(api.get(URL, {"ordering": "last_interaction_at"})) == [
        alibaba.pk,
        silver_lake.pk,
        hopu.pk,
        softbank.pk,
    ]


def test_it_orders_by_name_and_timestamps(api, investors):
    alibaba, hopu, silver_lake, softbank = investors
    for days, investor in enumerate([silver_lake, softbank, alibaba, hopu]):
        moment = datetime.datetime(2018, 1, 1 + days, tzinfo=datetime.UTC)
        Investor.objects.filter(pk=investor.pk).update(
            created_at=moment, updated_at=moment
        )

    assert ids(api.get(URL, {"ordering": "-name"})) == [
        softbank.pk,
        silver_lake.pk,
        hopu.pk,
        alibaba.pk,
    ]
    expected = [silver_lake.pk, softbank.pk, alibaba.pk, hopu.pk]
    assert ids(api.get(URL, {"ordering": "created_at"})) == expected
    assert ids(api.get(URL, {"ordering": "-updated_at"})) == expected[::-1]


# Deleting


def test_it_refuses_to_delete_an_investor_with_stakes_and_interactions(
    admin_api, alibaba, sensetime, megvii
):
    StakeFactory(investor=alibaba, company=sensetime)
    StakeFactory(investor=alibaba, company=megvii)
    contact = ContactFactory(investor=alibaba, first_name="Joe", last_name="Tsai")
    InteractionFactory(investor=alibaba, contacts=[contact])
    DealNoteFactory(investor=alibaba)

    response = admin_api.delete(f"{URL}{alibaba.pk}/")

    assert response.status_code == 409
    assert detail_of(response) == (
        "Cannot delete investor “Alibaba Group”: 1 deal note, "
        "1 interaction, 2 stakes depend on it."
    )
    assert Investor.objects.filter(pk=alibaba.pk).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert alibaba.stakes.count() == 2


def test_it_refuses_to_delete_an_investor_with_only_interactions(admin_api, alibaba):
    InteractionFactory(investor=alibaba)

    response = admin_api.delete(f"{URL}{alibaba.pk}/")

    assert response.status_code == 409
    assert (
        detail_of(response)
        == "Cannot delete investor “Alibaba Group”: 1 interaction depends on it."
    )
    assert Investor.objects.filter(pk=alibaba.pk).exists()


def test_it_refuses_to_delete_an_investor_with_only_stakes(
    admin_api, alibaba, sensetime
):
    StakeFactory(investor=alibaba, company=sensetime, status="declined")

    response = admin_api.delete(f"{URL}{alibaba.pk}/")

    assert response.status_code == 409
    assert (
        detail_of(response)
        == "Cannot delete investor “Alibaba Group”: 1 stake depends on it."
    )
    assert Investor.objects.filter(pk=alibaba.pk).exists()


def test_it_deletes_an_investor_without_dependants_with_its_contacts(
    admin_api, alibaba
):
    contact = ContactFactory(investor=alibaba)

    response = admin_api.delete(f"{URL}{alibaba.pk}/")

    assert response.status_code == 204
    assert not Investor.objects.filter(pk=alibaba.pk).exists()
    assert not Contact.objects.filter(pk=contact.pk).exists()


# Authentication and permissions


def test_the_deal_team_may_not_delete_investors(api, alibaba):
    assert api.delete(f"{URL}{alibaba.pk}/").status_code == 403
    assert Investor.objects.filter(pk=alibaba.pk).exists()


# Speed


def test_a_filtered_list_takes_the_same_queries_whatever_its_length(
    api, investors, sensetime, megvii, django_assert_num_queries
):
    every_filter = {
        "sector": "artificial-intelligence,fintech",
        "country": "CN,HK,US,GB",
        "kind": "strategic,private_equity,venture_capital",
        "stake_min": "1",
        "stake_max": "2000000000",
        "stake_status": "closed,committed",
        "total_stake_min": "1",
        "total_stake_max": "2000000000",
        "company": f"{sensetime.pk},{megvii.pk}",
        "search": "a",
        "updated_after": "2018-01-01T00:00:00Z",
        "ordering": "-last_interaction_at",
    }
    # 1-3. authentication, 4. the confidential rounds the user's teams may
    # see, read once per request (crm.portfolio.walls.confidential_rounds_seen_by),
    # 5. COUNT(*), 6. the page, 7. the focus sectors. The sub-sectors and the
    # check that each slug names a sector are subqueries of the list's own.
    with django_assert_num_queries(7):
        response = api.get(URL, {**every_filter, "page_size": 1})
    assert len(response.json()["results"]) == 1
    with django_assert_num_queries(7):
        response = api.get(URL, {**every_filter, "page_size": 50})
    assert len(response.json()["results"]) == 3


def test_a_detail_refuses_the_lists_query_parameters(api, investors):
    # Issue 12: a filter a detail does not apply is named, not ignored.
    investor = Investor.objects.order_by("pk").first()

    response = api.get(f"{URL}{investor.pk}/", {"country": "ZZ", "sector": "nope"})

    assert response.status_code == 400
    assert set(field_errors(response)) == {"country", "sector"}
