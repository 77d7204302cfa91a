import pytest

from crm.core.models import Sector
from tests.api_pages import detail_of, field_errors, problem
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/sectors/"


def test_it_shows_a_sector_with_its_parent_as_a_slug(api, sector_tree):
    _, cv, _ = sector_tree

    response = api.get(f"{URL}{cv.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": cv.pk,
        "name": "Computer vision",
        "slug": "computer-vision",
        "parent": "artificial-intelligence",
        "created_at": cv.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": cv.updated_at.isoformat().replace("+00:00", "Z"),
    }


def test_it_lists_sectors_by_name_in_pages(api, sector_tree):
    response = api.get(URL, {"page_size": 2})

    body = response.json()
    assert [s["slug"] for s in body["results"]] == [
        "artificial-intelligence",
        "computer-vision",
    ]
    assert body["count"] == 3
    assert body["next"] == "http://testserver/api/v1/sectors/?page=2&page_size=2"


def test_it_filters_by_parent_slug(api, sector_tree):
    response = api.get(URL, {"parent": "artificial-intelligence"})

    assert [s["slug"] for s in response.json()["results"]] == ["computer-vision"]


def test_it_creates_a_sector_under_a_parent_with_a_location(api, sector_tree):
    response = api.post(
        URL, {"name": "Speech", "slug": "speech", "parent": "artificial-intelligence"}
    )

    assert response.status_code == 201
    created = Sector.objects.get(slug="speech")
    assert created.parent.slug == "artificial-intelligence"
    assert response["Location"] == f"http://testserver/api/v1/sectors/{created.pk}/"


def test_creating_a_name_differing_only_in_case_is_a_409_linking_the_existing_one(
    api, sector_tree
):
    response = api.post(URL, {"name": "FINTECH", "slug": "fintech-2"})

    assert field_errors(response) == {
        "name": ["A sector with this name already exists."]
    }
    fintech = sector_tree.fintech
    assert problem(response, 409)["existing"] == {
        "id": fintech.pk,
        "url": f"http://testserver/api/v1/sectors/{fintech.pk}/",
    }


def test_it_rejects_an_unknown_parent_slug(api, sector_tree):
    response = api.post(URL, {"name": "Robotics", "slug": "robotics", "parent": "nope"})

    assert response.status_code == 400
    assert list(field_errors(response)) == ["parent"]


def test_it_refuses_to_delete_a_sector_in_use_with_409(admin_api, sector_tree):
    _, cv, _ = sector_tree
    CompanyFactory(name="SenseTime", sector=cv)

    response = admin_api.delete(f"{URL}{cv.pk}/")

    assert response.status_code == 409
    assert (
        detail_of(response)
        == "Cannot delete sector “Computer vision”: 1 company depends on it."
    )
    assert Sector.objects.filter(pk=cv.pk).exists()


def test_it_deletes_an_unused_sector(admin_api, sector_tree):
    _, _, fintech = sector_tree

    assert admin_api.delete(f"{URL}{fintech.pk}/").status_code == 204
    assert not Sector.objects.filter(pk=fintech.pk).exists()


def test_the_deal_team_may_not_delete_reference_data(api, sector_tree):
    assert api.delete(f"{URL}{sector_tree[2].pk}/").status_code == 403


def test_unknown_api_urls_answer_json_404(api):
    response = api.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert detail_of(response) == "Not found."


def test_a_sector_filter_with_an_empty_slug_is_a_400_naming_it(api, sector_tree):
    response = api.get("/api/v1/companies/", {"sector": "computer-vision,"})

    assert response.status_code == 400
    assert field_errors(response) == {
        "sector": ["Give sector slugs separated by commas."]
    }
