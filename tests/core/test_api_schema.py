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
