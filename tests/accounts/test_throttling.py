import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from crm.accounts.services import api_token_create
from crm.accounts.throttling import TokenRateThrottle
from tests.api_pages import detail_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/sectors/"
# 30.5 s into a minute: the window ends in 29.5 s.
START = 60 * 1_000_000 + 30.5


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, stopped at START; set `clock.now` to move it."""

    class Clock:
        now = START

    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: Clock.now)
    return Clock


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/minute"},
    }


def test_the_default_rate_is_generous(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {"api": "6000/minute"}


def test_a_token_over_its_rate_gets_429_with_retry_after(api, clock, three_a_minute):
    for _ in range(3):
        assert api.get(URL).status_code == 200

    response = api.get(URL)

    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert (
        detail_of(response)
        == "Request was throttled. Expected available in 30 seconds."
    )


def test_writes_count_towards_the_same_rate(api, clock, three_a_minute):
    for _ in range(3):
        assert api.get(URL).status_code == 200

    response = api.post(URL, {"name": "Speech", "slug": "speech"})

    assert response.status_code == 429


def test_the_rate_starts_again_in_the_next_window(api, clock, three_a_minute):
    for _ in range(3):
        assert api.get(URL).status_code == 200
    assert api.get(URL).status_code == 429

    clock.now = START + 29.5

    assert api.get(URL).status_code == 200


def client_with_new_token(user):
    _, secret = api_token_create(user=user, name="sync")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_each_token_has_its_own_rate(deal_team_user, clock, three_a_minute):
    first = client_with_new_token(deal_team_user)
    second = client_with_new_token(deal_team_user)
    for _ in range(3):
        assert first.get(URL).status_code == 200
    assert first.get(URL).status_code == 429

    assert second.get(URL).status_code == 200


def test_a_logged_in_user_is_limited_too(client, deal_team_user, clock, three_a_minute):
    client.force_login(deal_team_user)
    for _ in range(3):
        assert client.get(URL).status_code == 200

    response = client.get(URL)

    assert response.status_code == 429
    assert response["Retry-After"] == "30"


def test_requests_without_credentials_get_their_401_not_a_429(
    anonymous_api, clock, three_a_minute
):
    for _ in range(5):
        assert anonymous_api.get(URL).status_code == 401


def test_every_operation_documents_429():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)


def rate_headers(response):
    return {
        name: response.get(name)
        for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
    }


# The minute of START ends at this Unix time.
WINDOW_END = str(60 * 1_000_001)


def test_every_response_says_what_is_left_of_the_rate(api, clock, three_a_minute):
    first = api.get(URL)
    refused = api.get(f"{URL}?contry=GB")
    missing = api.get(f"{URL}999/")

    assert first.status_code == 200
    assert rate_headers(first) == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "2",
        "X-RateLimit-Reset": WINDOW_END,
    }
    assert refused.status_code == 400
    assert rate_headers(refused)["X-RateLimit-Remaining"] == "1"
    assert missing.status_code == 404
    assert rate_headers(missing)["X-RateLimit-Remaining"] == "0"


def test_a_429_says_nothing_is_left(api, clock, three_a_minute):
    for _ in range(3):
        api.get(URL)

    response = api.get(URL)

    assert response.status_code == 429
    assert rate_headers(response) == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": WINDOW_END,
    }


def test_each_token_has_its_own_figures(api, admin_api, clock, three_a_minute):
    api.get(URL)
    api.get(URL)

    response = admin_api.get(URL)

    assert response["X-RateLimit-Remaining"] == "2"


def test_a_refused_write_and_a_logged_in_browser_get_them_too(
    analyst_api, client, deal_team_user, clock, three_a_minute
):
    client.force_login(deal_team_user)

    forbidden = analyst_api.post(URL, {"name": "Speech", "slug": "speech"})
    browsed = client.get(URL, HTTP_ACCEPT="text/html")

    assert forbidden.status_code == 403
    assert rate_headers(forbidden)["X-RateLimit-Limit"] == "3"
    assert browsed.status_code == 200
    assert rate_headers(browsed)["X-RateLimit-Remaining"] == "2"


def test_a_caller_without_credentials_gets_none(anonymous_api):
    response = anonymous_api.get(URL)

    assert response.status_code == 401
    assert "X-RateLimit-Limit" not in response


def test_responses_made_before_the_view_get_them_too(
    api, settings, clock, three_a_minute
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    api.get(URL)
    body = {"name": "Speech", "slug": "speech"}

    too_large = api.post(URL, {"name": "x" * 200, "slug": "big"})
    created = api.post(URL, body, HTTP_IDEMPOTENCY_KEY="k1")
    replayed = api.post(URL, body, HTTP_IDEMPOTENCY_KEY="k1")

    assert too_large.status_code == 413
    assert rate_headers(too_large)["X-RateLimit-Remaining"] == "2"
    assert created.status_code == 201
    assert replayed["Idempotent-Replayed"] == "true"
    # The replay ran no view, so it used none of the rate.
    assert rate_headers(replayed) == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "1",
        "X-RateLimit-Reset": WINDOW_END,
    }
