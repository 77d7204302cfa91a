"""Idempotency-Key: a retried POST or PATCH is answered, not done again."""

import datetime

import pytest
from django.utils import timezone

from crm.integrations.models import IdempotencyKey
from crm.investors.models import Investor
from tests.factories import InvestorFactory

pytestmark = pytest.mark.django_db

HILLHOUSE = {"name": "Hillhouse", "country": "CN"}


def post(client, body, key="key-1"):
    return client.post("/api/v1/investors/", body, HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_post_returns_the_first_response_and_creates_nothing(api):
    first = post(api, HILLHOUSE)
    again = post(api, HILLHOUSE)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Investor.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(api):
    post(api, HILLHOUSE)
    response = post(api, {**HILLHOUSE, "name": "Sequoia"})
    assert response.status_code == 422
    assert "another request body" in response.json()["detail"]
    assert Investor.objects.count() == 1


def test_the_same_key_while_the_first_request_runs_is_a_409(api):
    # As if the first request had claimed the key and not finished yet.
    post(api, HILLHOUSE)
    IdempotencyKey.objects.update(status_code=None)
    assert post(api, HILLHOUSE).status_code == 409


def test_keys_are_per_token(api, admin_api):
    post(api, HILLHOUSE)
    other = post(admin_api, {**HILLHOUSE, "name": "Sequoia"})
    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other


def test_a_key_is_kept_a_day(api):
    post(api, HILLHOUSE)
    IdempotencyKey.objects.update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    response = post(api, HILLHOUSE)
    # Run again: now the name is taken.
    assert response.status_code == 409
    assert "Idempotent-Replayed" not in response


def test_a_patch_is_replayed_too(api):
    investor = InvestorFactory(name="Hillhouse")
    url = f"/api/v1/investors/{investor.pk}/"
    first = api.patch(url, {"city": "Beijing"}, HTTP_IDEMPOTENCY_KEY="p-1")
    again = api.patch(url, {"city": "Beijing"}, HTTP_IDEMPOTENCY_KEY="p-1")
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_a_refused_request_is_kept_and_a_throttled_one_is_not(api):
    refused = post(api, {"name": ""}, key="bad")
    assert refused.status_code == 400
    assert post(api, {"name": ""}, key="bad")["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.filter(key="bad").exists()


def test_requests_without_a_key_are_untouched(api):
    post_without = api.post("/api/v1/investors/", HILLHOUSE)
    assert post_without.status_code == 201
    assert not IdempotencyKey.objects.exists()


def test_a_method_the_path_does_not_take_is_a_405_whatever_the_key(admin_api):
    response = admin_api.patch(
        "/api/v1/webhooks/1/enable/", {}, HTTP_IDEMPOTENCY_KEY=""
    )

    assert response.status_code == 405
