import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.core.models import Sector
from tests.api_pages import detail_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/sectors/"


def test_the_default_body_limit_is_2_5_mb(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


def test_a_body_over_the_limit_is_a_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 1000, "slug": "big"})

    response = api.post(URL, body, content_type="application/json")

    assert response.status_code == 413
    assert detail_of(response) == "The request body is over the limit of 1000 bytes."
    assert not Sector.objects.exists()


def test_a_multipart_body_over_the_limit_is_refused_too(api, settings):
    # Django would stream its file part to disk whatever its size.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    upload = {
        "name": "Speech",
        "slug": "speech",
        "file": SimpleUploadedFile("big.bin", b"x" * 5000),
    }

    response = api.post(URL, upload, format="multipart")

    assert response.status_code == 413
    assert not Sector.objects.exists()


def test_a_body_under_the_limit_is_served(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "Speech", "slug": "speech"})

    response = api.post(URL, body, content_type="application/json")

    assert response.status_code == 201


def test_pages_hold_at_most_200_results(api):
    Sector.objects.bulk_create(
        Sector(name=f"Sector {n:03}", slug=f"sector-{n:03}") for n in range(201)
    )

    body = api.get(URL, {"page_size": 1000}).json()

    assert body["count"] == 201
    assert len(body["results"]) == 200
    assert body["next"] is not None
