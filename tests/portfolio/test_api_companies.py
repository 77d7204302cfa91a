import datetime
from decimal import Decimal

import pytest

from crm.portfolio.models import Company, FundingRound
from tests.api_pages import detail_of, field_errors, ids, iso, problem
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/companies/"


@pytest.fixture
def sensetime(sector_tree):
    company = CompanyFactory(
        name="SenseTime",
        aliases=["商汤科技", "Shangtang"],
        sector=sector_tree.vision,
        country="CN",
        city="Beijing",
        website="https://www.sensetime.com",
        description="Computer vision and deep learning.",
        founded_year=2014,
        status=Company.Status.PRIVATE,
    )
    FundingRoundFactory(
        company=company,
        name="Series B",
        announced_on=datetime.date(2017, 7, 11),
        raised_amount=Decimal("410000000.00"),
        post_money_valuation=Decimal("1500000000.00"),
    )
    FundingRoundFactory(
        company=company,
        name="Series C",
        announced_on=datetime.date(2018, 4, 9),
        raised_amount=Decimal("600000000.00"),
        post_money_valuation=Decimal("4500000000.00"),
    )
    # A cancelled round counts neither for the total nor for the valuation.
    FundingRoundFactory(
        company=company,
        name="Series D",
        status=FundingRound.Status.CANCELLED,
        announced_on=datetime.date(2018, 7, 1),
        raised_amount=Decimal("1000000000.00"),
        post_money_valuation=Decimal("9000000000.00"),
    )
    return company


@pytest.fixture
def companies(sector_tree, sensetime):
    """SenseTime (CN, computer vision, valued $4.5B), Megvii (CN, AI, $2B),
    Ant Financial (CN, fintech, $150B), Graphcore (GB, no sector, no rounds).
    """
    ai, _, fintech = sector_tree
    megvii = CompanyFactory(
        name="Megvii", aliases=["Face++"], sector=ai, country="CN", founded_year=2011
    )
    FundingRoundFactory(
        company=megvii,
        name="Series C",
        announced_on=datetime.date(2017, 10, 31),
        raised_amount=Decimal("460000000.00"),
        post_money_valuation=Decimal("2000000000.00"),
    )
    ant = CompanyFactory(name="Ant Financial", sector=fintech, country="CN")
    FundingRoundFactory(
        company=ant,
        name="Series C",
        announced_on=datetime.date(2018, 6, 8),
        raised_amount=Decimal("14000000000.00"),
        post_money_valuation=Decimal("150000000000.00"),
    )
    graphcore = CompanyFactory(
        name="Graphcore", country="GB", status=Company.Status.PRIVATE
    )
    return sensetime, megvii, ant, graphcore


def payload(**changes):
    return {
        "name": "Megvii",
        "aliases": ["Face++"],
        "sector": "computer-vision",
        "country": "CN",
        "city": "Beijing",
        "website": "https://www.megvii.com",
        "description": "Face recognition.",
        "founded_year": 2011,
        "status": "private",
        **changes,
    }


# Reading


def test_it_shows_a_company_with_its_derived_figures(api, sensetime):
    # Writing its rounds moved the company's updated_at (crm.integrations.cascades).
    sensetime.refresh_from_db()
    response = api.get(f"{URL}{sensetime.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": sensetime.pk,
        "external_id": "",
        "name": "SenseTime",
        "aliases": ["商汤科技", "Shangtang"],
        "sector": "computer-vision",
        "country": "CN",
        "city": "Beijing",
        "website": "https://www.sensetime.com",
        "description": "Computer vision and deep learning.",
        "founded_year": 2014,
        "status": "private",
        "total_raised_usd": "1010000000.00",
        "latest_valuation_usd": "4500000000.00",
        "created_at": iso(sensetime.created_at),
        "updated_at": iso(sensetime.updated_at),
    }


def test_it_lists_companies_by_name_in_pages_with_a_next_link(api, companies):
    response = api.get(URL, {"page_size": 2})

    body = response.json()
    assert [row["name"] for row in body["results"]] == ["Ant Financial", "Graphcore"]
    assert body["count"] == 4
    assert body["next"] == "http://testserver/api/v1/companies/?page=2&page_size=2"


def test_a_company_without_rounds_shows_zero_raised_and_no_valuation(api, companies):
    graphcore = companies[3]

    body = api.get(f"{URL}{graphcore.pk}/").json()

    assert body["total_raised_usd"] == "0.00"
    assert body["latest_valuation_usd"] is None


# Writing


def test_it_creates_a_company_with_a_location(api, sector_tree):
    response = api.post(URL, payload())

    assert response.status_code == 201
    created = Company.objects.get(name="Megvii")
    assert response["Location"] == f"http://testserver/api/v1/companies/{created.pk}/"
    assert response.json() == {
        "id": created.pk,
        "external_id": "",
        **payload(),
        "total_raised_usd": "0.00",
        "latest_valuation_usd": None,
        "created_at": iso(created.created_at),
        "updated_at": iso(created.updated_at),
    }


def test_it_creates_a_company_from_a_name_alone(api):
    response = api.post(URL, {"name": "Graphcore"})

    assert response.status_code == 201
    body = response.json()
    assert body["aliases"] == []
    assert body["sector"] is None
    assert body["country"] == ""
    assert body["status"] == "private"


def test_it_replaces_a_company_with_put(api, sector_tree, sensetime):
    response = api.put(
        f"{URL}{sensetime.pk}/",
        payload(name="SenseTime Group", aliases=["商汤"], sector="fintech"),
    )

    assert response.status_code == 200
    sensetime.refresh_from_db()
    assert sensetime.name == "SenseTime Group"
    assert sensetime.aliases == ["商汤"]
    assert sensetime.sector.slug == "fintech"
    assert sensetime.website == "https://www.megvii.com"
    # The answer carries the derived figures too.
    assert response.json()["latest_valuation_usd"] == "4500000000.00"


def test_it_patches_only_the_given_fields(api, sensetime):
    response = api.patch(f"{URL}{sensetime.pk}/", {"status": "public"})

    assert response.status_code == 200
    sensetime.refresh_from_db()
    assert sensetime.status == Company.Status.PUBLIC
    assert sensetime.name == "SenseTime"
    assert response.json()["total_raised_usd"] == "1010000000.00"


def test_it_clears_the_sector_with_null(api, sensetime):
    response = api.patch(f"{URL}{sensetime.pk}/", {"sector": None})

    assert response.status_code == 200
    sensetime.refresh_from_db()
    assert sensetime.sector is None


def test_it_deletes_a_company_nothing_depends_on(admin_api):
    company = CompanyFactory(name="Graphcore")

    response = admin_api.delete(f"{URL}{company.pk}/")

    assert response.status_code == 204
    assert not Company.objects.filter(pk=company.pk).exists()


def test_it_refuses_to_delete_a_company_with_rounds_or_stakes_with_409(
    admin_api, sensetime
):
    StakeFactory(company=sensetime)

    response = admin_api.delete(f"{URL}{sensetime.pk}/")

    assert response.status_code == 409
    assert (
        detail_of(response)
        == "Cannot delete company “SenseTime”: 3 funding rounds, 1 stake depend on it."
    )
    assert Company.objects.filter(pk=sensetime.pk).exists()
    assert sensetime.rounds.count() == 3
    assert sensetime.stakes.count() == 1


def test_the_deal_team_may_not_delete_companies(api):
    company = CompanyFactory(name="Graphcore")

    assert api.delete(f"{URL}{company.pk}/").status_code == 403
    assert Company.objects.filter(pk=company.pk).exists()


# Rules: 400s naming the field


def test_creating_a_name_differing_only_in_case_is_a_409_linking_the_existing_one(
    api, sensetime
):
    response = api.post(URL, {"name": "SENSETIME"})

    assert field_errors(response) == {
        "name": ["A company with this name already exists."]
    }
    assert problem(response, 409)["existing"] == {
        "id": sensetime.pk,
        "url": f"http://testserver/api/v1/companies/{sensetime.pk}/",
    }


def test_it_rejects_renaming_to_another_companys_name_in_other_case(api, sensetime):
    megvii = CompanyFactory(name="Megvii")

    response = api.patch(f"{URL}{megvii.pk}/", {"name": "sensetime"})

    assert response.status_code == 400
    assert field_errors(response) == {
        "name": ["A company with this name already exists."]
    }


def test_it_keeps_its_own_name_in_another_case(api, sensetime):
    response = api.patch(f"{URL}{sensetime.pk}/", {"name": "SENSETIME"})

    assert response.status_code == 200
    assert response.json()["name"] == "SENSETIME"


@pytest.mark.parametrize("aliases", [["Face++", ""], ["   "]])
def test_it_rejects_blank_aliases(api, aliases):
    response = api.post(URL, {"name": "Megvii", "aliases": aliases})

    assert response.status_code == 400
    assert field_errors(response) == {
        "aliases": ["Give the other names as a list of non-empty strings."]
    }


@pytest.mark.parametrize("aliases", ["Face++", {"name": "Face++"}, None])
def test_it_rejects_aliases_that_are_not_a_list(api, aliases):
    response = api.post(URL, {"name": "Megvii", "aliases": aliases})

    assert response.status_code == 400
    assert list(field_errors(response)) == ["aliases"]


def test_it_rejects_aliases_that_are_not_strings(api):
    response = api.post(URL, {"name": "Megvii", "aliases": [["Face++"]]})

    assert response.status_code == 400
    assert list(field_errors(response)) == ["aliases.0"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "bankrupt"),
        ("country", "XX"),
        ("sector", "no-such-sector"),
        ("founded_year", 1200),
        ("website", "not a url"),
        ("name", ""),
    ],
)
def test_it_rejects_invalid_values_on_their_field(api, sector_tree, field, value):
    response = api.post(URL, payload(**{field: value}))

    assert response.status_code == 400
    assert list(field_errors(response)) == [field]
    assert not Company.objects.exists()


def test_it_rejects_malformed_json(api):
    response = api.post(URL, data='{"name": "Megvii",', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


# Filters


def test_it_filters_by_sector_including_sub_sectors(api, companies):
    sensetime, megvii, ant, _ = companies

    assert ids(api.get(URL, {"sector": "artificial-intelligence"})) == [
        megvii.pk,
        sensetime.pk,
    ]
    assert ids(api.get(URL, {"sector": "computer-vision"})) == [sensetime.pk]
    assert ids(api.get(URL, {"sector": "computer-vision,fintech"})) == [
        ant.pk,
        sensetime.pk,
    ]


def test_it_filters_by_any_of_several_countries(api, companies):
    _, _, _, graphcore = companies
    uber = CompanyFactory(name="Uber", country="US")

    assert ids(api.get(URL, {"country": "GB"})) == [graphcore.pk]
    assert ids(api.get(URL, {"country": "GB,US"})) == [graphcore.pk, uber.pk]


def test_it_filters_by_status(api, companies):
    _, megvii, _, _ = companies
    Company.objects.filter(pk=megvii.pk).update(status=Company.Status.PUBLIC)
    acquired = CompanyFactory(name="Zeta", status=Company.Status.ACQUIRED)

    assert ids(api.get(URL, {"status": "public"})) == [megvii.pk]
    assert ids(api.get(URL, {"status": "public,acquired"})) == [
        megvii.pk,
        acquired.pk,
    ]


def test_it_filters_by_investor_listing_each_company_once(api, companies):
    sensetime, megvii, _, _ = companies
    alibaba = InvestorFactory(name="Alibaba Group")
    fidelity = InvestorFactory(name="Fidelity International")
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    series_b, series_c = sensetime.rounds.order_by("announced_on")[:2]
    StakeFactory(investor=alibaba, company=sensetime, round=series_b)
    StakeFactory(investor=alibaba, company=sensetime, round=series_c)
    StakeFactory(investor=fidelity, company=sensetime)
    StakeFactory(investor=fidelity, company=megvii)

    assert ids(api.get(URL, {"investor": alibaba.pk})) == [sensetime.pk]
    assert ids(api.get(URL, {"investor": f"{alibaba.pk},{fidelity.pk}"})) == [
        megvii.pk,
        sensetime.pk,
    ]
    assert ids(api.get(URL, {"investor": softbank.pk})) == []


def test_it_filters_by_latest_valuation_inclusive(api, companies):
    sensetime, megvii, ant, _ = companies

    assert ids(api.get(URL, {"valuation_min": "4500000000"})) == [
        ant.pk,
        sensetime.pk,
    ]
    assert ids(api.get(URL, {"valuation_max": "4500000000"})) == [
        megvii.pk,
        sensetime.pk,
    ]
    assert ids(
        api.get(URL, {"valuation_min": "2000000000.01", "valuation_max": "4.5e9"})
    ) == [sensetime.pk]


def test_it_searches_names_and_aliases_in_any_case(api, companies):
    sensetime, megvii, _, _ = companies

    assert ids(api.get(URL, {"search": "face++"})) == [megvii.pk]
    assert ids(api.get(URL, {"search": "MEGV"})) == [megvii.pk]
    assert ids(api.get(URL, {"search": "shangtang"})) == [sensetime.pk]


def test_it_filters_by_updated_after(api, companies):
    megvii = companies[1]
    Company.objects.update(
        updated_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
    )
    Company.objects.filter(pk=megvii.pk).update(
        updated_at=datetime.datetime(2018, 7, 1, 12, tzinfo=datetime.UTC)
    )

    assert ids(api.get(URL, {"updated_after": "2018-07-01T12:00:00Z"})) == [megvii.pk]
    assert ids(api.get(URL, {"updated_after": "2018-07-01T12:00:01+00:00"})) == []


def test_it_orders_by_latest_valuation_with_companies_without_one_last(api, companies):
    sensetime, megvii, ant, graphcore = companies

    assert ids(api.get(URL, {"ordering": "-latest_valuation_usd"})) == [
        ant.pk,
        sensetime.pk,
        megvii.pk,
        graphcore.pk,
    ]
    assert ids(api.get(URL, {"ordering": "latest_valuation_usd"})) == [
        megvii.pk,
        sensetime.pk,
        ant.pk,
        graphcore.pk,
    ]


def test_it_orders_by_total_raised_name_and_creation(api, companies):
    sensetime, megvii, ant, graphcore = companies

    assert ids(api.get(URL, {"ordering": "-total_raised_usd"})) == [
        ant.pk,
        sensetime.pk,
        megvii.pk,
        graphcore.pk,
    ]
    assert ids(api.get(URL, {"ordering": "-name"})) == [
        sensetime.pk,
        megvii.pk,
        graphcore.pk,
        ant.pk,
    ]
    assert ids(api.get(URL, {"ordering": "created_at"})) == [
        sensetime.pk,
        megvii.pk,
        ant.pk,
        graphcore.pk,
    ]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("valuation_min", "lots"),
        ("valuation_max", "NaN"),
        ("updated_after", "yesterday"),
        ("ordering", "founded_year"),
        ("sector", "no-such-sector"),
        ("country", "XX"),
        ("status", "bankrupt"),
        ("investor", "alibaba"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(
    api, companies, parameter, value
):
    response = api.get(URL, {parameter: value})

    assert response.status_code == 400
    assert list(field_errors(response)) == [parameter]


def test_an_unknown_sector_is_named_in_the_error(api, companies):
    response = api.get(URL, {"sector": "computer-vision,robotics"})

    assert field_errors(response) == {"sector": ["Unknown sector: robotics."]}


# Speed


def test_a_filtered_list_takes_the_same_queries_whatever_its_length(
    api, companies, django_assert_num_queries
):
    investor = InvestorFactory(name="Alibaba Group")
    for company in companies[:3]:
        StakeFactory(investor=investor, company=company)
    filters = {
        "sector": "artificial-intelligence,fintech",
        "country": "CN",
        "status": "private",
        "investor": investor.pk,
        "valuation_min": "1",
        "search": "a",
        "updated_after": "2000-01-01T00:00:00Z",
        "ordering": "-latest_valuation_usd",
    }
    # 1-3. authentication, 4. the confidential rounds the user's teams may
    # see, read once per request (crm.portfolio.walls.confidential_rounds_seen_by),
    # 5. COUNT(*), 6. the page (sub-sectors and the slug check are subqueries).
    with django_assert_num_queries(6):
        response = api.get(URL, {**filters, "page_size": 1})
    assert response.json()["count"] == 3
    with django_assert_num_queries(6):
        response = api.get(URL, {**filters, "page_size": 50})
    assert len(response.json()["results"]) == 3
