import json
import re

import pytest
from django.test import Client

from crm.core.models import Sector

pytestmark = pytest.mark.django_db

URL = "/api/v1/sectors/"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"name": "Speech", "slug": "speech"}, "format": "multipart"},
        {
            "data": "name=Speech&slug=speech",
            "content_type": "application/x-www-form-urlencoded",
        },
        {"data": "name: Speech", "content_type": "text/plain"},
    ],
    ids=["multipart", "form", "text"],
)
def test_a_body_that_is_not_json_is_a_415(api, kwargs):
    response = api.post(URL, **kwargs)

    assert response.status_code == 415
    assert response.json()["detail"].startswith("Unsupported media type")
    assert not Sector.objects.exists()


def test_a_json_body_is_read(api):
    response = api.post(
        URL,
        json.dumps({"name": "Speech", "slug": "speech"}),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Sector.objects.get().slug == "speech"


def test_a_write_without_a_body_needs_no_content_type(admin_api):
    sector = Sector.objects.create(name="Speech", slug="speech")

    response = admin_api.delete(
        f"{URL}{sector.pk}/", content_type="multipart/form-data"
    )

    assert response.status_code == 204


def test_the_schema_declares_json_request_bodies_only(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    media_types = {
        media_type
        for operations in schema["paths"].values()
        for operation in operations.values()
        for media_type in operation.get("requestBody", {}).get("content", {})
    }
    assert media_types == {"application/json"}


def test_the_browsable_api_renders_and_posts_json_with_a_session(deal_team_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(deal_team_user)

    page = browser.get(URL, HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    # The raw data form, whose only content type is JSON; no HTML form
    # (it would post form data, which the API no longer reads).
    text = page.content.decode()
    options = re.findall(r"<option[^>]*>([^<]*)</option>", text)
    assert "application/json" in options
    assert "multipart/form-data" not in options
    assert 'enctype="multipart/form-data"' not in text
    # As DRF's csrf.js does: the token from the page, in a header.
    csrf = json.loads(
        re.search(
            r'<script type="application/json" id="drf_csrf">(.*?)</script>', text, re.S
        ).group(1)
    )["csrfToken"]

    response = browser.post(
        URL,
        json.dumps({"name": "Speech", "slug": "speech"}),
        content_type="application/json",
        HTTP_ACCEPT="text/html",
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert response.status_code == 201
    assert Sector.objects.get().name == "Speech"
