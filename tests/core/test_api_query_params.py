import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.views import APIView

from crm.core.api.query_params import StrictQueryParametersMixin
from crm.investors.models import Investor
from tests.api_pages import field_errors
from tests.factories import InvestorFactory, SectorFactory, StakeFactory

pytestmark = pytest.mark.django_db

UNKNOWN = "Unknown query parameter."


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def investors(db):
    return {
        country: InvestorFactory(name=f"Fund {country}", country=country)
        for country in ("GB", "JP", "CN")
    }


def test_a_list_filter_given_twice_means_any_of_like_the_comma_form(api, investors):
    repeated = api.get("/api/v1/investors/?country=GB&country=JP")
    commas = api.get("/api/v1/investors/?country=GB,JP")

    expected = sorted([investors["GB"].pk, investors["JP"].pk])
    assert ids(repeated) == expected
    assert ids(commas) == expected


def test_repeated_and_comma_values_combine(api, investors):
    response = api.get("/api/v1/investors/?country=GB,JP&country=CN")

    assert ids(response) == sorted(investor.pk for investor in investors.values())


def test_an_ordering_given_twice_sorts_by_both_in_turn(api):
    InvestorFactory(name="B", country="GB")
    InvestorFactory(name="A", country="JP")
    InvestorFactory(name="C", country="GB")

    response = api.get("/api/v1/investors/?ordering=-total_stake_usd&ordering=-name")

    assert [row["name"] for row in response.json()["results"]] == ["C", "B", "A"]


def test_a_cursor_list_filter_given_twice_means_any_of(api, investors):
    stakes = {
        country: StakeFactory(investor=investor)
        for country, investor in investors.items()
    }

    response = api.get("/api/v1/stakes/?investor_country=GB&investor_country=CN")

    assert ids(response) == sorted([stakes["GB"].pk, stakes["CN"].pk])


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("search=a&search=b", "search"),
        ("page=1&page=2", "page"),
        (
            "updated_after=2020-01-01T00:00:00Z&updated_after=2021-01-01T00:00:00Z",
            "updated_after",
        ),
        ("going_cold=true&going_cold=true", "going_cold"),
    ],
)
def test_a_scalar_parameter_given_twice_is_a_400_naming_it(api, investors, query, name):
    response = api.get(f"/api/v1/investors/?{query}")

    assert response.status_code == 400
    assert field_errors(response) == {name: ["Give this parameter once."]}


def test_an_unknown_parameter_is_a_400_naming_it_and_what_is_taken(api, investors):
    response = api.get("/api/v1/sectors/?contry=GB&updatedAfter=2020-01-01")

    assert response.status_code == 400
    taken = "format, ordering, page, page_size, parent, search, updated_after"
    assert field_errors(response) == {
        "contry": [f"{UNKNOWN} This endpoint takes: {taken}."],
        "updatedAfter": [f"{UNKNOWN} This endpoint takes: {taken}."],
    }


def test_a_create_with_an_unknown_parameter_writes_nothing(api):
    response = api.post(
        "/api/v1/investors/?dry_run=1", {"name": "Fund", "country": "GB"}
    )

    assert response.status_code == 400
    assert list(field_errors(response)) == ["dry_run"]
    assert not Investor.objects.exists()


def test_a_create_takes_allow_duplicate(api):
    InvestorFactory(name="Sequoia Capital", country="US")

    response = api.post(
        "/api/v1/investors/?allow_duplicate=true",
        {"name": "Sequoia Capital China", "country": "US"},
    )

    assert response.status_code == 201


def test_filters_of_a_list_are_unknown_on_its_detail_route(api, investors):
    response = api.get(f"/api/v1/investors/{investors['GB'].pk}/?country=GB")

    assert response.status_code == 400
    assert field_errors(response) == {
        "country": [f"{UNKNOWN} This endpoint takes: format."]
    }


def test_credentials_come_before_parameters(anonymous_api):
    assert anonymous_api.get("/api/v1/investors/?contry=GB").status_code == 401


def documented_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            yield path, method, query


def test_every_operation_takes_exactly_the_parameters_it_documents(admin_api):
    sector = SectorFactory()
    for path, method, documented in documented_operations():
        url = path.replace("{id}", str(sector.pk))
        call = getattr(admin_api, method)
        names = [parameter["name"] for parameter in documented]
        # Each documented parameter, given values that may be invalid: never
        # an unknown one. Lists may be repeated.
        query = "&".join(f"{name}=x" for name in names)
        lists = [p["name"] for p in documented if p["schema"].get("type") == "array"]
        query += "".join(f"&{name}=y" for name in lists)
        body = call(f"{url}?{query}").json() if names else {}
        errors = {}
        for item in body.get("errors", []) if isinstance(body, dict) else []:
            errors.setdefault(item["field"], []).append(item["message"])
        for name in names:
            messages = errors.get(name, [])
            assert not any(
                str(message).startswith((UNKNOWN, "Give this parameter once"))
                for message in messages
            ), (method, path, name, messages)
        # Anything else is refused, before any work.
        response = call(f"{url}?undocumented=1")
        assert response.status_code == 400, (method, path)
        assert list(field_errors(response)) == ["undocumented"], (method, path)


def api_views(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern, route)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if route.startswith("api/") and view and issubclass(view, APIView):
                yield route, view


def test_every_api_view_refuses_unknown_parameters():
    views = dict(api_views())

    assert "api/v1/changes/" in views
    for route, view in views.items():
        if route.startswith(("api/v1/schema/", "api/v1/docs/")):
            continue  # drf-spectacular's, not part of the API it describes
        assert issubclass(view, StrictQueryParametersMixin), route


def test_the_changes_feed_reads_repeated_resources_as_a_list(api):
    response = api.get("/api/v1/changes/?resource=investors&resource=nope")

    assert response.status_code == 400
    assert field_errors(response)["resource"][0].startswith("Unknown resource: nope.")


def test_the_search_reads_repeated_kinds_as_a_list(api):
    response = api.get("/api/v1/search/?q=fund&kind=investor&kind=nope")

    assert response.status_code == 400
    assert field_errors(response)["kind"][0].startswith("Unknown kinds: nope.")


def test_a_method_the_path_does_not_take_is_a_405_whatever_the_parameters(api):
    response = api.put("/api/v1/sectors/?ordering=name&contry=GB", {})

    assert response.status_code == 405
    assert "GET" in response["Allow"]
