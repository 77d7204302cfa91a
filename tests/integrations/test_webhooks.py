"""Webhooks: Standard Webhooks deliveries by the django-tasks worker, to a real receiver."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from crm.core.models import Team
from crm.integrations import webhooks
from crm.integrations.models import WebhookDelivery, WebhookEndpoint
from tests.api_pages import field_errors
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)
from tests.integrations.receivers import Receiver


@pytest.fixture(autouse=True)
def private_urls_allowed(settings):
    # The receiver listens on loopback.
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def run_worker():
    """django-tasks-db's worker, until no task is ready (its --batch mode)."""
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--interval=0",
        "--no-reload",
        verbosity=0,
    )


def subscribe(client, url, events=("*",), **extra):
    response = client.post(
        "/api/v1/webhooks/", {"url": url, "events": list(events), **extra}
    )
    assert response.status_code == 201, response.content
    return response.json()


def verified(receiver, secret):
    """Each message received, checked with the standardwebhooks package."""
    return [
        Webhook(secret).verify(body, headers) for headers, body in receiver.received
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_delivers_each_change_signed_and_in_order(admin_api):
    with Receiver() as receiver:
        endpoint = subscribe(admin_api, receiver.url, events=["investor.*"])
        investor = admin_api.post(
            "/api/v1/investors/", {"name": "Hillhouse", "country": "CN"}
        ).json()
        run_worker()
        admin_api.patch(f"/api/v1/investors/{investor['id']}/", {"city": "Beijing"})
        run_worker()
        admin_api.delete(f"/api/v1/investors/{investor['id']}/")
        run_worker()

    messages = verified(receiver, endpoint["secret"])
    assert [message["type"] for message in messages] == [
        "investor.created",
        "investor.updated",
        "investor.deleted",
    ]
    assert messages[0]["data"]["name"] == "Hillhouse"
    assert messages[1]["data"]["city"] == "Beijing"
    assert messages[2]["data"] == {"id": investor["id"]}
    headers = receiver.received[0][0]
    assert headers["webhook-id"].startswith("msg_")
    assert headers["content-type"] == "application/json"
    assert endpoint["secret"].startswith("whsec_")
    detail = admin_api.get(f"/api/v1/webhooks/{endpoint['id']}/").json()
    assert "secret" not in detail
    deliveries = admin_api.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/").json()[
        "results"
    ]
    assert [d["status"] for d in deliveries] == ["succeeded"] * 3
    assert all(d["attempts"] == 1 and d["last_status_code"] == 204 for d in deliveries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_endpoint_is_retried_then_disabled_and_a_replay_delivers(
    admin_api, superuser, settings, rf
):
    settings.WEBHOOKS_RETRY_DELAYS = [0, 0]
    with Receiver(statuses=[500]) as receiver:
        endpoint = subscribe(admin_api, receiver.url)
        InvestorFactory(name="Hillhouse")
        run_worker()

        delivery = WebhookDelivery.objects.get()
        assert len(receiver.received) == 3  # the first try and two retries
        assert delivery.status == "failed"
        assert [a.status_code for a in delivery.attempt_log.all()] == [500] * 3
        disabled = WebhookEndpoint.objects.get()
        assert not disabled.is_active
        assert "3 failed attempts" in disabled.disabled_reason
        request = rf.get("/admin/integrations/webhookendpoint/")
        request.user = superuser
        request._messages = _Messages()
        admin.site._registry[WebhookEndpoint].changelist_view(request)
        assert "is disabled" in request._messages.texts[0]

        receiver.statuses = [200]
        admin_api.post(f"/api/v1/webhooks/{endpoint['id']}/enable/")
        replayed = admin_api.post(
            f"/api/v1/webhooks/{endpoint['id']}/replay/", {"delivery": delivery.pk}
        )
        assert replayed.status_code == 202
        run_worker()

    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert delivery.attempts == 4
    # The same message, the same id: a receiver can tell it is a repeat.
    assert (
        receiver.received[-1][0]["webhook-id"] == receiver.received[0][0]["webhook-id"]
    )


class _Messages:
    def __init__(self):
        self.texts = []

    def add(self, level, message, extra_tags=""):
        self.texts.append(str(message))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_to_a_record_deleted_before_it_is_sent_is_not_sent(admin_api):
    # The body shows the record as it is when the worker takes the change:
    # one deleted since has only its deletion to send.
    with Receiver() as receiver:
        endpoint = subscribe(admin_api, receiver.url, events=["investor.*"])
        investor = InvestorFactory(name="Hillhouse")
        admin_api.delete(f"/api/v1/investors/{investor.pk}/")
        run_worker()
    messages = verified(receiver, endpoint["secret"])
    assert [m["type"] for m in messages] == ["investor.deleted"]


@pytest.mark.django_db
def test_payloads_show_what_the_subscriber_may_see():
    member, outsider = UserFactory(username="member"), UserFactory(username="out")
    for user in (member, outsider):
        user.user_permissions.add(*Permission.objects.filter(codename="view_stake"))
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    secret_round = FundingRoundFactory(confidential=True)
    secret_round.teams.set([team])
    for user in (member, outsider):
        webhooks.endpoint_create(owner=user, url="https://example.com/h", events=["*"])
    StakeFactory(company=secret_round.company, round=secret_round)
    StakeFactory()

    webhooks.dispatch()

    def sent_to(user):
        return [
            json.loads(d.body)["type"]
            for d in WebhookDelivery.objects.filter(endpoint__owner=user)
        ]

    assert sorted(sent_to(member)) == ["stake.created", "stake.created"]
    assert sent_to(outsider) == ["stake.created"]


@pytest.mark.django_db
def test_filters_pick_records_by_their_fields():
    owner = UserFactory(username="owner", is_superuser=True)
    webhooks.endpoint_create(
        owner=owner,
        url="https://example.com/h",
        events=["investor.created"],
        filters={"country": ["CN", "HK"]},
    )
    InvestorFactory(name="Hillhouse", country="CN")
    InvestorFactory(name="Sequoia", country="US")
    webhooks.dispatch()
    assert [
        json.loads(d.body)["data"]["name"] for d in WebhookDelivery.objects.all()
    ] == ["Hillhouse"]


@pytest.mark.django_db
def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(admin_api):
    with Receiver() as receiver:
        old = subscribe(admin_api, receiver.url)["secret"]
        rotated = admin_api.post(
            f"/api/v1/webhooks/{WebhookEndpoint.objects.get().pk}/rotate-secret/"
        )
        new = rotated.json()["secret"]
        endpoint = WebhookEndpoint.objects.get()
        assert new != old
        assert webhooks.signing_secrets(endpoint) == [new, old]
        later = endpoint.previous_secret_expires_at
        assert webhooks.signing_secrets(endpoint, now=later) == [new]


@pytest.mark.django_db
def test_loopback_and_private_urls_are_refused(admin_api, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    for url in (
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest",
        "https://[::1]/hooks",
    ):
        response = admin_api.post("/api/v1/webhooks/", {"url": url, "events": ["*"]})
        assert response.status_code == 400, url
        assert "url" in field_errors(response)


@pytest.mark.django_db
def test_http_is_refused_in_production(admin_api, settings):
    settings.IS_PRODUCTION = True
    response = admin_api.post(
        "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/h", "events": ["*"]}
    )
    assert response.status_code == 400
    assert "https" in field_errors(response)["url"][0]


@pytest.mark.django_db
def test_unknown_event_types_are_refused(admin_api):
    response = admin_api.post(
        "/api/v1/webhooks/",
        {"url": "https://example.com/h", "events": ["investor.renamed"]},
    )
    assert response.status_code == 400
    assert "investor.renamed" in field_errors(response)["events"][0]


@pytest.mark.django_db
def test_subscribing_needs_the_permission(api):
    response = api.post(
        "/api/v1/webhooks/", {"url": "https://example.com/h", "events": ["*"]}
    )
    assert response.status_code == 403


def test_a_forged_signature_fails_verification():
    secret = "whsec_" + "A" * 32
    body = '{"type":"investor.created"}'
    import time

    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(time.time())),
        "webhook-signature": "v1,AAAA",
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)
    from crm.integrations import signing

    headers["webhook-signature"] = signing.headers(
        [secret], "msg_1", int(headers["webhook-timestamp"]), body
    )["webhook-signature"]
    assert Webhook(secret).verify(body, headers) == {"type": "investor.created"}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's test database lives in this process's memory: another "
    "process cannot open it (the in-process worker tests above cover SQLite).",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_db_worker_command_in_its_own_process_delivers(admin_api):
    with Receiver() as receiver:
        endpoint = subscribe(admin_api, receiver.url, events=["investor.created"])
        InvestorFactory(name="Hillhouse")
        database = django_settings.DATABASES["default"]
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}",
            "WEBHOOKS_ALLOW_PRIVATE": "1",
        }
        finished = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--interval=0",
            ],
            env=env,
            cwd=django_settings.BASE_DIR,
            capture_output=True,
            timeout=120,
        )
        assert finished.returncode == 0, finished.stderr
    messages = verified(receiver, endpoint["secret"])
    assert [m["data"]["name"] for m in messages] == ["Hillhouse"]
