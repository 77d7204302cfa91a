"""Writes by the client's own ids: `external_id`, upserts and batches, over HTTP."""

from decimal import Decimal

import pytest
from django.db import connection

from crm.integrations.models import ChangeEntry
from crm.investors.models import Investor
from crm.portfolio.models import Stake
from tests.api_pages import error_codes, field_errors, ids, problem
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
)
from tests.integrations.conftest import client_for

pytestmark = pytest.mark.django_db

INVESTORS = "/api/v1/investors/"
STAKES = "/api/v1/stakes/"


def put(api, url, body, **headers):
    return api.put(url, body, format="json", **headers)


# external_id and its filter


def test_a_list_filters_by_external_ids_any_of(api):
    first = InvestorFactory(name="Hillhouse", external_id="wh-1")
    second = InvestorFactory(name="HongShan", external_id="wh-2")
    InvestorFactory(name="Qiming", external_id="wh-3")
    InvestorFactory(name="Sinovation")

    assert ids(api.get(INVESTORS, {"external_id": "wh-2,wh-1"})) == [
        first.pk,
        second.pk,
    ]
    assert ids(api.get(INVESTORS, {"external_id": "nope"})) == []


def test_records_without_an_external_id_do_not_clash(api):
    InvestorFactory(name="Hillhouse")

    response = api.post(INVESTORS, {"name": "Qiming"}, format="json")

    assert response.status_code == 201
    assert response.json()["external_id"] == ""


def test_a_taken_external_id_is_a_409_linking_the_record(api):
    hillhouse = InvestorFactory(name="Hillhouse", external_id="wh-1")

    response = api.post(INVESTORS, {"name": "Qiming", "external_id": "wh-1"})

    body = problem(response, 409)
    assert body["errors"] == [
        {
            "field": "external_id",
            "code": "unique",
            "message": "Another record has this external id.",
        }
    ]
    assert body["existing"] == {
        "id": hillhouse.pk,
        "url": f"http://testserver/api/v1/investors/{hillhouse.pk}/",
    }


def test_renaming_to_a_taken_external_id_is_a_400_on_the_field(api):
    InvestorFactory(name="Hillhouse", external_id="wh-1")
    qiming = InvestorFactory(name="Qiming")

    response = api.patch(f"{INVESTORS}{qiming.pk}/", {"external_id": "wh-1"})

    assert response.status_code == 400
    assert error_codes(response) == {"external_id": ["unique"]}


def test_an_external_id_held_by_a_hidden_stake_is_refused_without_naming_it(
    member, outsider, team
):
    company = CompanyFactory(name="SenseTime")
    secret = FundingRoundFactory(company=company, name="Series D", confidential=True)
    secret.teams.set([team])
    hidden = StakeFactory(company=company, round=secret, external_id="st-1")
    investor = InvestorFactory(name="Hillhouse")
    body = {
        "investor": investor.pk,
        "company": company.pk,
        "amount": "1.00",
        "currency": "USD",
    }

    response = put(client_for(outsider), f"{STAKES}external/st-1/", body)
    seen = put(client_for(member), f"{STAKES}external/st-1/", body)

    # The outsider cannot find it, so this would be a create: refused, with
    # no id, no link and no other message than "cannot be used".
    refused = problem(response, 409)
    assert refused["errors"] == [
        {
            "field": "external_id",
            "code": "unavailable",
            "message": "This external id cannot be used.",
        }
    ]
    assert "existing" not in refused
    assert str(hidden.pk) not in response.content.decode()
    # A member of the team replaces it.
    assert seen.status_code == 200
    assert seen.json()["id"] == hidden.pk


# PUT <resource>/external/<external_id>/


def test_a_put_by_external_id_creates_then_replaces(api):
    created = put(api, f"{INVESTORS}external/wh-7/", {"name": "Hillhouse"})
    pk = created.json()["id"]
    replaced = put(
        api, f"{INVESTORS}external/wh-7/", {"name": "Hillhouse Capital", "city": "HK"}
    )

    assert created.status_code == 201
    assert created["Location"] == f"http://testserver/api/v1/investors/{pk}/"
    assert created["ETag"]
    assert replaced.status_code == 200
    assert replaced.json()["id"] == pk
    assert replaced.json()["external_id"] == "wh-7"
    assert replaced["ETag"] != created["ETag"]
    investor = Investor.objects.get()
    assert (investor.name, investor.city) == ("Hillhouse Capital", "HK")
    # History and the changes feed see both writes.
    assert investor.history.count() == 2
    assert list(
        ChangeEntry.objects.filter(resource="investors", record_id=pk).values_list(
            "action", flat=True
        )
    ) == ["created", "updated"]


def test_a_put_by_external_id_honours_if_match(api):
    put(api, f"{INVESTORS}external/wh-7/", {"name": "Hillhouse"})
    tag = api.get(f"{INVESTORS}{Investor.objects.get().pk}/")["ETag"]
    put(api, f"{INVESTORS}external/wh-7/", {"name": "Hillhouse", "city": "Beijing"})

    stale = put(
        api, f"{INVESTORS}external/wh-7/", {"name": "Renamed"}, HTTP_IF_MATCH=tag
    )
    missing = put(api, f"{INVESTORS}external/wh-8/", {"name": "New"}, HTTP_IF_MATCH="*")

    assert problem(stale, 412)["errors"] == [
        {"field": "If-Match", "code": "stale", "message": problem(stale, 412)["detail"]}
    ]
    assert problem(missing, 412)["type"] == "urn:crm:problem:stale"
    assert list(Investor.objects.values_list("name", flat=True)) == ["Hillhouse"]


def test_a_put_whose_body_names_another_external_id_is_a_400(api):
    response = put(
        api, f"{INVESTORS}external/wh-7/", {"name": "Hillhouse", "external_id": "x"}
    )

    assert field_errors(response) == {
        "external_id": ["Give the URL's external id, or leave it out."]
    }
    assert not Investor.objects.exists()


def test_a_put_is_a_whole_record_so_required_fields_are_required(api):
    response = put(api, f"{INVESTORS}external/wh-7/", {"city": "HK"})

    assert response.status_code == 400
    assert error_codes(response) == {"name": ["required"]}


def test_a_stake_upserted_by_external_id_moves_its_investors_figures(api):
    investor = InvestorFactory(name="Hillhouse")
    company = CompanyFactory(name="SenseTime")
    body = {
        "investor": investor.pk,
        "company": company.pk,
        "amount": "100.00",
        "currency": "USD",
        "status": "closed",
        "as_of": "2024-01-01",
    }

    put(api, f"{STAKES}external/st-1/", body)
    put(api, f"{STAKES}external/st-1/", {**body, "amount": "250.00"})

    shown = api.get(f"{INVESTORS}{investor.pk}/").json()
    assert shown["total_stake_usd"] == "250.00"
    assert Stake.objects.get().external_id == "st-1"


def test_a_user_who_may_only_read_cannot_upsert(analyst_api):
    response = put(analyst_api, f"{INVESTORS}external/wh-7/", {"name": "Hillhouse"})

    assert problem(response, 403)["type"] == "urn:crm:problem:permission_denied"
    assert not Investor.objects.exists()


# POST <resource>/batch/


def test_a_batch_creates_and_upserts_in_order(api):
    hillhouse = InvestorFactory(name="Hillhouse", external_id="wh-1")
    qiming = InvestorFactory(name="Qiming")

    response = api.post(
        f"{INVESTORS}batch/",
        {
            "items": [
                {"name": "HongShan", "external_id": "wh-2"},
                {"name": "Hillhouse Capital", "external_id": "wh-1"},
                {"id": qiming.pk, "name": "Qiming Venture Partners"},
            ]
        },
        format="json",
    )

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(item["action"], item["data"]["name"]) for item in items] == [
        ("created", "HongShan"),
        ("updated", "Hillhouse Capital"),
        ("updated", "Qiming Venture Partners"),
    ]
    assert items[1]["data"]["id"] == hillhouse.pk
    assert sorted(Investor.objects.values_list("name", flat=True)) == [
        "Hillhouse Capital",
        "HongShan",
        "Qiming Venture Partners",
    ]


def test_a_batch_with_an_invalid_item_writes_nothing_and_names_every_error(api):
    InvestorFactory(name="Hillhouse")

    response = api.post(
        f"{INVESTORS}batch/",
        {
            "items": [
                {"name": "HongShan"},
                {"name": "", "kind": "pirate"},
                {"name": "hillhouse"},
                {"id": 999_999, "name": "Ghost"},
            ]
        },
        format="json",
    )

    body = problem(response, 400)
    assert [(e["item"], e["field"], e["code"]) for e in body["errors"]] == [
        (1, "items.1.name", "required"),
        (1, "items.1.kind", "invalid"),
        (2, "items.2.name", "unique"),
        (3, "items.3.id", "not_found"),
    ]
    assert list(Investor.objects.values_list("name", flat=True)) == ["Hillhouse"]
    assert not ChangeEntry.objects.filter(resource="investors", action="created")[
        1:
    ].exists()


def test_a_batch_naming_one_record_twice_is_refused(api):
    response = api.post(
        f"{INVESTORS}batch/",
        {
            "items": [
                {"name": "A", "external_id": "x"},
                {"name": "B", "external_id": "x"},
            ]
        },
        format="json",
    )

    assert field_errors(response) == {
        "items.1.external_id": ["Another item of this batch names this record."]
    }
    assert not Investor.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"items": []}, "invalid"),
        ({"items": "all"}, "invalid"),
        ({}, "invalid"),
        ({"items": [{"name": f"Fund {n}"} for n in range(201)]}, "too_large"),
    ],
)
def test_a_batch_takes_1_to_200_items(api, body, code):
    response = api.post(f"{INVESTORS}batch/", body, format="json")

    assert error_codes(response) == {"items": [code]}
    assert not Investor.objects.exists()


def test_a_batch_cannot_reach_a_hidden_record_by_its_id(member, outsider, team):
    company = CompanyFactory(name="SenseTime")
    secret = FundingRoundFactory(company=company, name="Series D", confidential=True)
    secret.teams.set([team])
    hidden = StakeFactory(company=company, round=secret, amount=Decimal("5.00"))

    response = client_for(outsider).post(
        f"{STAKES}batch/",
        {"items": [{"id": hidden.pk, "amount": "1.00", "currency": "USD"}]},
        format="json",
    )

    assert error_codes(response) == {"items.0.id": ["not_found"]}
    hidden.refresh_from_db()
    assert hidden.amount == Decimal("5.00")


def batch_of(count, offset=0):
    return {
        "items": [
            {"name": f"Fund {offset + n}", "external_id": f"f-{offset + n}"}
            for n in range(count)
        ]
    }


def test_a_batchs_queries_grow_by_a_fixed_number_per_item(
    api, django_assert_num_queries
):
    # Whatever the batch size: 1-3. authentication, 4. SAVEPOINT, 5. the
    # confidential rounds seen, 6. the records the items name, locked (one
    # query), then after the items 7. RELEASE, 8-9. the records read back
    # with their figures and sectors (one query each for the whole batch).
    # Per item: SAVEPOINT, the external id unique, the name unique ignoring
    # case, 3 x 4 for the four CheckConstraints (savepoint, check, release),
    # INSERT, its history entry, the stored figures it leaves out, the
    # sectors' history, the outbox (SAVEPOINT, change entry, any active
    # webhook, RELEASE), RELEASE.
    fixed = 9
    per_item = 1 + 2 + 12 + 4 + 4 + 1
    with django_assert_num_queries(fixed + 2 * per_item):
        assert (
            api.post(f"{INVESTORS}batch/", batch_of(2), format="json").status_code
            == 200
        )
    with django_assert_num_queries(fixed + 5 * per_item):
        assert (
            api.post(
                f"{INVESTORS}batch/", batch_of(5, offset=10), format="json"
            ).status_code
            == 200
        )
    assert Investor.objects.count() == 7
    assert connection.vendor in ("sqlite", "postgresql")


def test_options_on_an_upsert_url_describes_it(admin_api):
    # DRF's metadata reads the record for PUT: by external id here, not by pk.
    response = admin_api.options(f"{INVESTORS}external/wh-404/")

    assert response.status_code == 200
    assert response.json()["renders"] == ["application/json", "text/html"]
