import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from crm.accounts.services import api_token_create
from tests.api_pages import detail_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_valid_openapi_3(schema):
    validate_schema(schema)

    assert schema["openapi"].startswith("3.")


def test_every_operation_documents_its_error_responses(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method == "delete":
                assert "409" in codes, (method, path)


def test_filter_parameters_are_described(schema):
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/sectors/"]["get"]["parameters"]
    }

    assert parameters["parent"]["description"] == (
        "Slug of the parent sector: its direct sub-sectors."
    )
    assert "page_size" in parameters


def test_the_schema_endpoint_needs_credentials(anonymous_api, api):
    assert anonymous_api.get("/api/v1/schema/").status_code == 401
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Investor CRM API"


def test_the_docs_page_is_served_from_the_project_for_logged_in_users(
    client, deal_team_user
):
    assert client.get("/api/v1/docs/").status_code == 302

    client.force_login(deal_team_user)
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    # No CDN host (a bare "cdn" also turns up inside random tokens).
    for host in ("cdn.", "jsdelivr", "unpkg", "cdnjs"):
        assert host not in page.lower()


def test_a_user_in_no_group_may_read_neither_the_schema_nor_the_docs(client):
    newcomer = UserFactory(username="newcomer", is_staff=True)
    token_client = APIClient()
    _, secret = api_token_create(user=newcomer, name="tests")
    token_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.force_login(newcomer)

    response = token_client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 403
    assert detail_of(response) == (
        "Reading the API's description needs a role: ask an "
        "administrator to add you to a group (e.g. Deal team or Analyst)."
    )
    assert client.get("/api/v1/docs/").status_code == 403


def test_a_superuser_in_no_group_reads_the_schema(admin_api):
    assert admin_api.get("/api/v1/schema/", {"format": "json"}).status_code == 200


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_passes_openapi_spec_validator(schema):
    import json

    from drf_spectacular.renderers import OpenApiJsonRenderer
    from openapi_spec_validator import validate

    validate(json.loads(OpenApiJsonRenderer().render(schema)))


def test_every_field_a_response_always_holds_is_required(schema):
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request") or name == "Error":
            continue  # request bodies; an error holds `detail` or fields
        properties = set(component.get("properties", {}))
        assert properties <= set(component.get("required", [])), name
    assert set(
        schema["components"]["schemas"]["PaginatedInvestorList"]["required"]
    ) == {
        "count",
        "next",
        "previous",
        "results",
    }


def test_every_operation_documents_the_protocol_errors_and_headers(schema):
    rate_limit = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        where = (method, path)
        assert {"405", "406", "429", "503"} <= set(responses), where
        if "requestBody" in operation:
            assert {"413", "415"} <= set(responses), where
        assert "Allow" in responses["405"]["headers"], where
        assert "Retry-After" in responses["429"]["headers"], where
        assert "Retry-After" in responses["503"]["headers"], where
        for code, response in responses.items():
            if code.startswith("2") or code in ("400", "403", "404", "409", "412"):
                assert rate_limit <= set(response["headers"]), (code, *where)
        if "201" in responses:
            assert "Location" in responses["201"]["headers"], where
        if method == "get" and path.endswith("{id}/") and "webhooks" not in path:
            assert "ETag" in responses["200"]["headers"], where
    assert schema["components"]["headers"]["Location"]["required"] is True


def test_each_operation_has_its_own_description(schema):
    for path, methods in schema["paths"].items():
        descriptions = [operation["description"] for operation in methods.values()]
        assert len(set(descriptions)) == len(descriptions), path
        if "get" in methods and "{" not in path and path != "/api/v1/changes/":
            assert "delet" not in methods["get"]["description"].lower(), path
    assert schema["paths"]["/api/v1/investors/{id}/"]["delete"]["description"].endswith(
        "An investor with stakes, logged interactions or deal notes is kept "
        "(409); otherwise its contacts go with it."
    )


def test_a_create_answers_json_only_and_a_list_also_files(schema):
    investors = schema["paths"]["/api/v1/investors/"]

    assert list(investors["post"]["responses"]["201"]["content"]) == [
        "application/json"
    ]
    assert "text/csv" in investors["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize(
    ("component", "field", "accepted", "refused"),
    [
        (
            "StakeRequest",
            "amount",
            ["0", "12.5", "1" * 18 + ".25"],
            ["-1", "1" * 19, "1.234", "", "."],
        ),
        ("StakeRequest", "ownership_pct", ["100", "12.25"], ["-3", "1000", "1.234"]),
        (
            "ExchangeRateRequest",
            "usd_per_unit",
            ["0.1234567891"],
            ["-1", "1.12345678912"],
        ),
        ("Stake", "amount", ["12.50"], ["12.5", "-1.00"]),
        ("Investor", "total_stake_usd", ["0.00", "-5.00"], ["0", "1.5"]),
    ],
)
def test_decimal_patterns_match_what_the_field_takes_or_gives(
    schema, component, field, accepted, refused
):
    import re

    pattern = re.compile(
        schema["components"]["schemas"][component]["properties"][field]["pattern"]
    )

    assert all(pattern.search(value) for value in accepted)
    assert not any(pattern.search(value) for value in refused)


def test_a_stake_as_served_matches_its_patterns(api, schema):
    import re

    from tests.factories import StakeFactory

    stake = StakeFactory(amount="1500000.5", ownership_pct="12.5", currency="USD")
    body = api.get(f"/api/v1/stakes/{stake.pk}/").json()

    properties = schema["components"]["schemas"]["Stake"]["properties"]
    for name in ("amount", "amount_usd", "ownership_pct"):
        assert re.search(properties[name]["pattern"], body[name]), (name, body[name])
