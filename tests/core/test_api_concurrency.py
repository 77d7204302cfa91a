"""No lost updates over the API: ETags, If-Match (412) and If-None-Match (304)."""

import json
import re
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection
from drf_spectacular.generators import SchemaGenerator

from crm.investors.models import Investor
from tests.api_pages import detail_of, field_errors
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    ExchangeRateFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db

STRONG_TAG = re.compile(r'"[0-9a-f]{32}"')

EVERY_RESOURCE = pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("/api/v1/sectors/", SectorFactory),
        ("/api/v1/exchange-rates/", ExchangeRateFactory),
        ("/api/v1/investors/", InvestorFactory),
        ("/api/v1/contacts/", ContactFactory),
        ("/api/v1/companies/", CompanyFactory),
        ("/api/v1/rounds/", FundingRoundFactory),
        ("/api/v1/stakes/", StakeFactory),
        ("/api/v1/interactions/", InteractionFactory),
        ("/api/v1/notes/", DealNoteFactory),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)


def detail(investor):
    return f"/api/v1/investors/{investor.pk}/"


def stored(investor):
    """Every stored column of `investor`, to show that nothing changed."""
    return Investor.objects.values().get(pk=investor.pk)


@pytest.fixture
def investor():
    return InvestorFactory(name="Alibaba Group", city="Hangzhou")


@pytest.fixture
def tag(api, investor):
    """The investor's ETag as a client read it."""
    return api.get(detail(investor)).headers["ETag"]


# ETags


@EVERY_RESOURCE
def test_every_resource_tags_its_detail_response_stably(admin_api, url, factory):
    record = factory()

    first = admin_api.get(f"{url}{record.pk}/")
    second = admin_api.get(f"{url}{record.pk}/")

    assert first.status_code == 200
    assert STRONG_TAG.fullmatch(first.headers["ETag"])
    assert second.headers["ETag"] == first.headers["ETag"]


@EVERY_RESOURCE
def test_every_resource_answers_a_write_with_the_new_tag(admin_api, url, factory):
    record = factory()
    before = admin_api.get(f"{url}{record.pk}/").headers["ETag"]

    response = admin_api.patch(f"{url}{record.pk}/", {}, HTTP_IF_MATCH=before)

    assert response.status_code == 200
    assert response.headers["ETag"] != before
    assert (
        admin_api.get(f"{url}{record.pk}/").headers["ETag"]
        == (response.headers["ETag"])
    )


def test_lists_carry_no_etag(api, investor):
    response = api.get("/api/v1/investors/")

    assert response.status_code == 200
    assert "ETag" not in response.headers


def test_a_create_answers_with_the_new_records_tag(api):
    response = api.post(
        "/api/v1/investors/", {"name": "HOPU Capital", "kind": "private_equity"}
    )

    assert response.status_code == 201
    assert (
        response.headers["ETag"]
        == (api.get(response.headers["Location"]).headers["ETag"])
    )


def test_the_tags_of_two_records_differ(api):
    first, second = InvestorFactory(), InvestorFactory()

    assert (
        api.get(detail(first)).headers["ETag"]
        != api.get(detail(second)).headers["ETag"]
    )


def test_changing_only_an_investors_sectors_changes_its_tag(api, investor, tag):
    SectorFactory(slug="fintech", name="Fintech")

    response = api.patch(detail(investor), {"sectors": ["fintech"]})

    assert response.status_code == 200
    assert response.headers["ETag"] != tag
    assert api.get(detail(investor)).headers["ETag"] == response.headers["ETag"]


def test_changing_only_the_people_present_at_an_interaction_changes_its_tag(api):
    alibaba = InvestorFactory(name="Alibaba Group")
    tsai = ContactFactory(investor=alibaba, first_name="Joe", last_name="Tsai")
    interaction = InteractionFactory(investor=alibaba)
    url = f"/api/v1/interactions/{interaction.pk}/"
    before = api.get(url).headers["ETag"]

    response = api.patch(url, {"contacts": [tsai.pk]})

    assert response.status_code == 200
    assert response.json()["contacts"] == [tsai.pk]
    assert response.headers["ETag"] != before


# If-Match on writes


def test_a_patch_with_the_current_tag_is_applied(api, investor, tag):
    response = api.patch(detail(investor), {"city": "Shanghai"}, HTTP_IF_MATCH=tag)

    assert response.status_code == 200
    assert response.json()["city"] == "Shanghai"


def test_a_delete_with_the_current_tag_is_applied(admin_api, investor, tag):
    response = admin_api.delete(detail(investor), HTTP_IF_MATCH=tag)

    assert response.status_code == 204
    assert not Investor.objects.filter(pk=investor.pk).exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_with_a_stale_tag_is_refused_and_changes_nothing(
    admin_api, investor, tag, method
):
    admin_api.patch(detail(investor), {"city": "Beijing"})  # someone else's change
    before = stored(investor)
    body = {"name": "Alibaba", "kind": "strategic", "city": "Shanghai"}

    response = getattr(admin_api, method)(detail(investor), body, HTTP_IF_MATCH=tag)

    assert response.status_code == 412
    assert detail_of(response) == (
        "The record has changed since the version named in If-Match; "
        "nothing was changed. Fetch it again, reapply your change and send its "
        "new ETag."
    )
    assert stored(investor) == before


def test_the_second_of_two_writes_with_the_same_tag_is_refused(api, investor, tag):
    first = api.patch(detail(investor), {"city": "Beijing"}, HTTP_IF_MATCH=tag)
    second = api.patch(detail(investor), {"city": "Shanghai"}, HTTP_IF_MATCH=tag)

    assert first.status_code == 200
    assert second.status_code == 412
    assert stored(investor)["city"] == "Beijing"


def test_a_stale_tag_is_refused_before_the_body_is_validated(api, investor, tag):
    api.patch(detail(investor), {"city": "Beijing"})

    response = api.patch(detail(investor), {"kind": "no-such-kind"}, HTTP_IF_MATCH=tag)

    assert response.status_code == 412


def test_a_valid_tag_with_an_invalid_body_is_a_400(api, investor, tag):
    response = api.patch(detail(investor), {"kind": "no-such-kind"}, HTTP_IF_MATCH=tag)

    assert response.status_code == 400
    assert "kind" in field_errors(response)


def test_if_match_star_matches_whatever_the_version(api, investor, tag):
    api.patch(detail(investor), {"city": "Beijing"})

    response = api.patch(detail(investor), {"city": "Shanghai"}, HTTP_IF_MATCH="*")

    assert response.status_code == 200
    assert stored(investor)["city"] == "Shanghai"


def test_if_match_passes_when_any_tag_of_a_list_is_current(api, investor, tag):
    stale = '"00000000000000000000000000000000"'

    response = api.patch(
        detail(investor), {"city": "Shanghai"}, HTTP_IF_MATCH=f"{stale}, {tag}"
    )

    assert response.status_code == 200


def test_if_match_fails_when_no_tag_of_a_list_is_current(api, investor, tag):
    response = api.patch(
        detail(investor),
        {"city": "Shanghai"},
        HTTP_IF_MATCH='"00000000000000000000000000000000", "1"',
    )

    assert response.status_code == 412
    assert stored(investor)["city"] == "Hangzhou"


def test_a_weak_tag_never_matches_if_match(api, investor, tag):
    # RFC 9110: If-Match compares strongly. A proxy that weakens tags (as some
    # do when compressing) makes clients send W/ tags back: they get a 412.
    response = api.patch(
        detail(investor), {"city": "Shanghai"}, HTTP_IF_MATCH=f"W/{tag}"
    )

    assert response.status_code == 412
    assert stored(investor)["city"] == "Hangzhou"


def test_an_unquoted_tag_never_matches_if_match(api, investor, tag):
    response = api.patch(
        detail(investor), {"city": "Shanghai"}, HTTP_IF_MATCH=tag.strip('"')
    )

    assert response.status_code == 412


def test_a_write_without_if_match_is_applied_as_before(api, investor, tag):
    api.patch(detail(investor), {"city": "Beijing"})

    response = api.patch(detail(investor), {"city": "Shanghai"})

    assert response.status_code == 200
    assert stored(investor)["city"] == "Shanghai"


def test_if_match_on_a_missing_record_is_a_404(api):
    response = api.patch("/api/v1/investors/999999/", {}, HTTP_IF_MATCH="*")

    assert response.status_code == 404


def test_a_user_who_may_not_write_gets_a_403_not_a_412(analyst_api, investor):
    response = analyst_api.patch(detail(investor), {}, HTTP_IF_MATCH='"stale"')

    assert response.status_code == 403


# If-None-Match on reads


def test_a_get_naming_the_current_tag_is_a_304_without_a_body(api, investor, tag):
    response = api.get(detail(investor), HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == tag


def test_if_none_match_compares_weakly(api, investor, tag):
    response = api.get(detail(investor), HTTP_IF_NONE_MATCH=f"W/{tag}")

    assert response.status_code == 304


def test_a_get_naming_a_stale_tag_gets_the_record(api, investor, tag):
    api.patch(detail(investor), {"city": "Beijing"})

    response = api.get(detail(investor), HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 200
    assert response.json()["city"] == "Beijing"
    assert response.headers["ETag"] != tag


# OpenAPI


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def headers_of(operation):
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


@EVERY_RESOURCE
def test_the_schema_documents_if_match_and_412_on_every_write(schema, url, factory):
    operations = schema["paths"][f"{url}{{id}}/"]

    for method in ("put", "patch", "delete"):
        assert "If-Match" in headers_of(operations[method]), method
        assert "412" in operations[method]["responses"], method
    assert "412" not in operations["get"]["responses"]


def test_the_schema_documents_the_etag_of_detail_responses(schema):
    investor = schema["paths"]["/api/v1/investors/{id}/"]
    created = schema["paths"]["/api/v1/investors/"]["post"]["responses"]["201"]

    for method in ("get", "put", "patch"):
        assert "ETag" in investor[method]["responses"]["200"]["headers"]
    assert "ETag" in created["headers"]
    assert "If-None-Match" in headers_of(investor["get"])
    assert "304" in investor["get"]["responses"]


def test_the_schema_documents_no_conditional_headers_on_lists(schema):
    listing = schema["paths"]["/api/v1/investors/"]["get"]

    assert not {"If-Match", "If-None-Match"} & headers_of(listing)
    assert "ETag" not in listing["responses"]["200"].get("headers", {})
    assert "304" not in listing["responses"]


# Concurrent writers, against a live server


def authorization(api_client):
    """The Authorization header the test client sends (however tokens are made)."""
    return api_client._credentials["HTTP_AUTHORIZATION"]


def patch_over_http(url, body, headers):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# Transactional, so the live server's threads see the committed rows; the
# serialized rollback puts back what the migrations created (groups,
# permissions) for the transactional tests after these.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writes itself and its in-memory test database "
    "cannot be shared with the live server's threads; see the sequential test "
    "test_the_second_of_two_writes_with_the_same_tag_is_refused.",
)
def test_of_concurrent_patches_with_the_same_tag_exactly_one_wins(
    live_server, admin_api, settings
):
    # One token writing ten times at once: above the default of requests a
    # token may run at once (tests/accounts/test_concurrent_requests.py).
    settings.API_MAX_CONCURRENT_REQUESTS_PER_TOKEN = 50
    writers = 10
    investor = InvestorFactory(name="Alibaba Group", city="Hangzhou")
    url = f"{live_server.url}{detail(investor)}"
    tag = admin_api.get(detail(investor)).headers["ETag"]
    headers = {"Authorization": authorization(admin_api), "If-Match": tag}
    start = threading.Barrier(writers)
    statuses = {}

    def write(n):
        start.wait()
        statuses[n] = patch_over_http(url, {"city": f"City {n}"}, headers)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [200] + [412] * (writers - 1)
    (winner,) = [n for n, status in statuses.items() if status == 200]
    assert stored(investor)["city"] == f"City {winner}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writes itself and its in-memory test database "
    "cannot be shared with the live server's threads.",
)
def test_concurrent_patches_of_different_fields_without_if_match_all_land(
    live_server, admin_api, settings
):
    settings.API_MAX_CONCURRENT_REQUESTS_PER_TOKEN = 50
    # Each write re-reads the row once it holds the lock, so a PATCH never
    # saves back a stale copy of the fields it did not send.
    changes = {
        "city": "Shanghai",
        "description": "E-commerce and cloud.",
        "website": "https://www.alibabagroup.com",
        "aum_usd": "1000000000.00",
        "kind": Investor.Kind.STRATEGIC,
        "country": "CN",
    }
    investor = InvestorFactory(name="Alibaba Group", city="Hangzhou")
    url = f"{live_server.url}{detail(investor)}"
    headers = {"Authorization": authorization(admin_api)}
    start = threading.Barrier(len(changes))
    statuses = []

    def write(field, value):
        start.wait()
        statuses.append(patch_over_http(url, {field: value}, headers))

    threads = [threading.Thread(target=write, args=item) for item in changes.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * len(changes)
    row = stored(investor)
    assert {field: str(row[field]) for field in changes} == changes
