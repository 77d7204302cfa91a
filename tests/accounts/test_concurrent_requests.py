"""One API token has at most API_MAX_CONCURRENT_REQUESTS_PER_TOKEN requests running."""

import contextlib
import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from rest_framework.test import APIClient

from crm.accounts import concurrent_requests
from crm.accounts.concurrent_requests import request_slot
from crm.accounts.services import api_token_create, hash_secret
from crm.core.api.views import SectorViewSet

URL = "/api/v1/sectors/"
FULL = {
    "type": "urn:crm:problem:throttled",
    "title": "Too Many Requests",
    "status": 429,
    "detail": "Too many requests at once: this token may have 2 running at the "
    "same time. Wait for one to finish, then retry.",
}


@pytest.fixture
def two_at_once(settings):
    settings.API_MAX_CONCURRENT_REQUESTS_PER_TOKEN = 2


def token_of(user):
    """A client with a new token of `user`, and the hash its slots are kept under."""
    _, secret = api_token_create(user=user, name="integration")
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client, hash_secret(secret)


def test_the_default_limit_is_four_requests_at_once(settings):
    assert settings.API_MAX_CONCURRENT_REQUESTS_PER_TOKEN == 4


@pytest.mark.django_db
def test_a_token_with_all_its_requests_running_gets_429_with_retry_after(
    superuser, two_at_once
):
    client, slots = token_of(superuser)

    with request_slot(slots, 2), request_slot(slots, 2):
        response = client.get(URL)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == FULL
    assert response["Retry-After"] == "1"
    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_another_token_of_the_same_user_is_not_held_back(superuser, two_at_once):
    _, slots = token_of(superuser)
    other, _ = token_of(superuser)

    with request_slot(slots, 2), request_slot(slots, 2):
        assert other.get(URL).status_code == 200


@pytest.mark.django_db
def test_a_request_that_fails_gives_its_slot_back(superuser, settings, monkeypatch):
    settings.API_MAX_CONCURRENT_REQUESTS_PER_TOKEN = 1
    client, _ = token_of(superuser)

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug in the view")

    with monkeypatch.context() as patch:
        patch.setattr(SectorViewSet, "list", broken)
        assert client.get(URL).status_code == 500

    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_a_slot_lost_with_its_worker_frees_itself(superuser, settings, monkeypatch):
    settings.API_MAX_CONCURRENT_REQUESTS_PER_TOKEN = 1
    monkeypatch.setattr(concurrent_requests, "SLOT_SECONDS", 2)
    client, slots = token_of(superuser)
    # Taken and never given back, as by a worker killed mid-request (kept
    # referenced: a collected generator would run its `finally`).
    dead_worker = contextlib.ExitStack()
    dead_worker.enter_context(request_slot(slots, 1))
    assert client.get(URL).status_code == 429

    time.sleep(2.1)

    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_an_unknown_token_is_held_to_the_same_limit(two_at_once):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer made-up")

    with (
        request_slot(hash_secret("made-up"), 2),
        request_slot(hash_secret("made-up"), 2),
    ):
        assert client.get(URL).status_code == 429
    assert client.get(URL).status_code == 401


# Real concurrent requests, against a live server on loopback


@pytest.fixture
def held_sector_lists(monkeypatch):
    """Sector lists that wait, once started, until the test lets them finish."""
    started = threading.Semaphore(0)
    finish = threading.Event()
    original = SectorViewSet.list

    def held(self, request, *args, **kwargs):
        started.release()
        finish.wait(timeout=30)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(SectorViewSet, "list", held)
    yield started, finish
    finish.set()


def get(url, secret):
    """(status, JSON body, Retry-After) of a GET with the token `secret`."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response), None
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), error.headers["Retry-After"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_token_gets_429_while_its_limit_of_requests_runs_on_a_live_server(
    live_server, superuser, two_at_once, held_sector_lists
):
    started, finish = held_sector_lists
    _, secret = api_token_create(user=superuser, name="integration")
    url = live_server.url + URL
    results = []
    running = [
        threading.Thread(target=lambda: results.append(get(url, secret)))
        for _ in range(2)
    ]
    for thread in running:
        thread.start()
    for _ in running:
        assert started.acquire(timeout=10)

    assert get(url, secret) == (429, FULL, "1")

    finish.set()
    for thread in running:
        thread.join(timeout=30)
    assert [status for status, _, _ in results] == [200, 200]
    assert get(url, secret)[0] == 200
