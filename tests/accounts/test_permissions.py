import pytest
from rest_framework.test import APIClient

from config.api_router import router
from crm.accounts.services import api_token_create
from crm.core.models import Sector
from tests.api_pages import detail_of
from tests.factories import SectorFactory

pytestmark = pytest.mark.django_db

RESOURCES = [prefix for prefix, _, _ in router.registry]


def client_with_read_only_token(user):
    _, secret = api_token_create(user=user, name="reporting", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def read_only_api(superuser):
    """A superuser's read-only token: every permission, yet no writes."""
    return client_with_read_only_token(superuser)


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_read_only_token_reads_every_resource(read_only_api, resource):
    assert read_only_api.get(f"/api/v1/{resource}/").status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_read_only_token_may_not_create_anything(read_only_api, resource):
    response = read_only_api.post(f"/api/v1/{resource}/", {})

    assert response.status_code == 403
    assert detail_of(response) == "This API token is read-only."


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_read_only_token_may_not_change_or_delete_anything(
    read_only_api, resource, method
):
    # The token is refused before the record is looked up: any id will do.
    response = getattr(read_only_api, method)(f"/api/v1/{resource}/1/", {})

    assert response.status_code == 403
    assert detail_of(response) == "This API token is read-only."


def test_nothing_changes_when_a_read_only_token_writes(read_only_api):
    sector = SectorFactory(name="Fintech", slug="fintech")
    detail = f"/api/v1/sectors/{sector.pk}/"

    assert read_only_api.patch(detail, {"name": "Payments"}).status_code == 403
    assert read_only_api.delete(detail).status_code == 403
    new = {"name": "Speech", "slug": "speech"}
    assert read_only_api.post("/api/v1/sectors/", new).status_code == 403

    assert list(Sector.objects.values_list("name", flat=True)) == ["Fintech"]


def test_the_same_user_writes_with_a_read_write_token(admin_api):
    response = admin_api.post("/api/v1/sectors/", {"name": "Speech", "slug": "speech"})

    assert response.status_code == 201


def test_a_read_only_token_does_not_grant_reads_its_user_lacks(user):
    # No group, no permission: the token's restriction only ever takes away.
    response = client_with_read_only_token(user).get("/api/v1/sectors/")

    assert response.status_code == 403
