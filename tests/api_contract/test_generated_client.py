"""A Python client generated from the served schema works as generated.

openapi-python-client (pinned in requirements-dev.txt) builds the client from
`/api/v1/schema/` of a live server; the tests then use it as an integrator
would, never editing what it generated. `raise_on_unexpected_status` makes
any status the schema does not document an error, and the generated models
raise on a missing required field: the schema must tell the truth.
"""

import datetime
import importlib
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from openapi_spec_validator import validate

from crm.accounts.services import api_token_create
from crm.investors.models import Investor
from crm.portfolio.models import Stake

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "crm_client"
# Generated once per run: the schema is the same for every test.
_generated = {}


@pytest.fixture
def token(superuser):
    _, secret = api_token_create(user=superuser, name="generated client")
    return secret


@pytest.fixture
def crm(live_server, token, tmp_path_factory, settings):
    """The generated package, and an authenticated client of the live server."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # a webhook on loopback, never called
    if not _generated:
        _generated["package"] = generate(live_server.url, token, tmp_path_factory)
    package = _generated["package"]
    client = package.client.AuthenticatedClient(
        base_url=live_server.url,
        token=token,
        raise_on_unexpected_status=True,
        timeout=httpx.Timeout(60),
    )
    return package, client


def generate(url, token, tmp_path_factory):
    response = httpx.get(
        f"{url}/api/v1/schema/",
        params={"format": "json"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,  # built on demand: seconds on a busy machine
    )
    assert response.status_code == 200
    schema = response.json()
    validate(schema)  # openapi-spec-validator
    folder = tmp_path_factory.mktemp("generated")
    (folder / "schema.json").write_text(json.dumps(schema))
    (folder / "config.yaml").write_text(
        f"package_name_override: {PACKAGE}\npost_hooks: []\n"
    )
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--config",
            str(folder / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)
        for module in ("api", "client", "models", "types"):
            importlib.import_module(f"{PACKAGE}.{module}")
    finally:
        sys.path.remove(str(folder))
    return package


def api(package, resource, operation):
    return importlib.import_module(f"{PACKAGE}.api.{resource}.{resource}_{operation}")


def create(package, client, resource, body, **kwargs):
    response = api(package, resource, "create").sync_detailed(
        client=client, body=body, **kwargs
    )
    assert response.status_code == 201, response.content
    assert response.headers["Location"].endswith(f"/{response.parsed.id}/")
    return response.parsed


def test_every_operation_module_imports(crm):
    package, _ = crm
    folder = Path(package.__file__).parent / "api"

    modules = sorted(
        path.stem for path in folder.glob("*/*.py") if path.stem != "__init__"
    )

    assert len([name for name in modules if name.endswith("_create")]) >= 9
    for resource_dir in folder.iterdir():
        for path in resource_dir.glob("*.py"):
            importlib.import_module(f"{PACKAGE}.api.{resource_dir.name}.{path.stem}")


def test_a_generated_client_creates_every_resource(crm):
    package, client = crm
    m = importlib.import_module(f"{PACKAGE}.models")

    sector = create(
        package, client, "sectors", m.SectorRequest(name="Robotics", slug="robotics")
    )
    rate = create(
        package,
        client,
        "exchange_rates",
        m.ExchangeRateRequest(
            currency=m.CurrencyEnum("CNY"),
            usd_per_unit="0.14",
            valid_from=datetime.date(2000, 1, 1),
        ),
    )
    investor = create(
        package,
        client,
        "investors",
        m.InvestorRequest(
            name="Hillhouse", country=m.CountryEnum("CN"), sectors=["robotics"]
        ),
    )
    contact = create(
        package,
        client,
        "contacts",
        m.ContactRequest(investor=investor.id, first_name="Lei", last_name="Zhang"),
    )
    company = create(
        package, client, "companies", m.CompanyRequest(name="UBTech", sector="robotics")
    )
    round_ = create(
        package,
        client,
        "rounds",
        m.FundingRoundRequest(
            company=company.id,
            name="Series C",
            currency=m.CurrencyEnum("CNY"),
            target_amount="1000000.00",
            announced_on=datetime.date(2018, 5, 1),
        ),
    )
    stake = create(
        package,
        client,
        "stakes",
        m.StakeRequest(
            investor=investor.id,
            company=company.id,
            round_=round_.id,
            amount="700000",
            currency=m.CurrencyEnum("CNY"),
            as_of=datetime.date(2018, 5, 2),
        ),
    )
    interaction = create(
        package,
        client,
        "interactions",
        m.InteractionRequest(
            investor=investor.id,
            contacts=[contact.id],
            summary="Call about the Series C",
            occurred_at=datetime.datetime(2018, 5, 3, 9, 30, tzinfo=datetime.UTC),
        ),
    )
    note = create(
        package, client, "notes", m.DealNoteRequest(title="Terms", round_=round_.id)
    )
    webhook = create(
        package,
        client,
        "webhooks",
        m.WebhookEndpointRequest(url="http://127.0.0.1:9/hook", events=["*"]),
    )

    assert sector.slug == "robotics"
    assert rate.usd_per_unit == "0.1400000000"
    assert investor.sectors == ["robotics"]
    assert stake.amount == "700000.00"
    assert stake.amount_usd == "98000.00"
    assert interaction.contacts == [contact.id]
    assert note.round_ == round_.id
    assert webhook.secret.startswith("whsec_")


def test_a_generated_client_lists_with_filters_and_pages(crm, django_user_model):
    package, client = crm
    m = importlib.import_module(f"{PACKAGE}.models")
    investors_list = api(package, "investors", "list")
    stakes_list = api(package, "stakes", "list")
    investors = {
        country: create(
            package,
            client,
            "investors",
            m.InvestorRequest(name=f"Fund {country}", country=m.CountryEnum(country)),
        )
        for country in ("GB", "JP", "CN")
    }
    company = create(package, client, "companies", m.CompanyRequest(name="Arm"))
    for investor in investors.values():
        create(
            package,
            client,
            "stakes",
            m.StakeRequest(investor=investor.id, company=company.id, amount="5"),
        )

    # The client sends a list as country=GB&country=JP: any of them.
    page = investors_list.sync(
        client=client,
        country=[m.InvestorsListHQCountry("GB"), m.InvestorsListHQCountry("JP")],
    )
    assert sorted(investor.name for investor in page.results) == ["Fund GB", "Fund JP"]
    assert page.count == 2

    numbered = investors_list.sync(client=client, page_size=2, page=2)
    assert [investor.name for investor in numbered.results] == ["Fund JP"]
    assert numbered.next_ is None

    # Cursor pages: follow `next` by its cursor until there is none.
    seen, cursor = [], None
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = stakes_list.sync(client=client, page_size=1, **kwargs)
        seen += [stake.id for stake in page.results]
        if page.next_ is None:
            break
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]
    assert sorted(seen) == sorted(Stake.objects.values_list("pk", flat=True))
    assert len(seen) == 3


def test_a_generated_client_updates_with_if_match_and_retries_safely(crm):
    package, client = crm
    m = importlib.import_module(f"{PACKAGE}.models")
    errors = importlib.import_module(f"{PACKAGE}.errors")
    body = m.InvestorRequest(name="Sequoia China", country=m.CountryEnum("CN"))

    # A retried create with the same Idempotency-Key creates one investor.
    first = api(package, "investors", "create").sync_detailed(
        client=client, body=body, idempotency_key="sync-42"
    )
    retry = api(package, "investors", "create").sync_detailed(
        client=client, body=body, idempotency_key="sync-42"
    )
    assert first.status_code == retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.parsed.id == first.parsed.id
    assert Investor.objects.filter(name="Sequoia China").count() == 1
    # The same key with another body is refused.
    other = api(package, "investors", "create").sync_detailed(
        client=client,
        body=m.InvestorRequest(name="Another"),
        idempotency_key="sync-42",
    )
    assert other.status_code == 422

    investor = first.parsed
    read = api(package, "investors", "retrieve").sync_detailed(
        investor.id, client=client
    )
    etag = read.headers["ETag"]
    assert int(read.headers["X-RateLimit-Remaining"]) > 0

    update = api(package, "investors", "partial_update")
    changed = update.sync_detailed(
        investor.id,
        client=client,
        body=m.PatchedInvestorRequest(city="Beijing"),
        if_match=etag,
    )
    assert changed.status_code == 200
    assert changed.parsed.city == "Beijing"
    assert changed.headers["ETag"] != etag

    stale = update.sync_detailed(
        investor.id,
        client=client,
        body=m.PatchedInvestorRequest(city="Shanghai"),
        if_match=etag,
    )
    assert stale.status_code == 412
    assert Investor.objects.get(pk=investor.id).city == "Beijing"

    # A delete that others depend on: a documented 409, nothing deleted.
    company = create(package, client, "companies", m.CompanyRequest(name="Meituan"))
    create(
        package,
        client,
        "stakes",
        m.StakeRequest(investor=investor.id, company=company.id, amount="1"),
    )
    refused = api(package, "investors", "destroy").sync_detailed(
        investor.id, client=client
    )
    assert refused.status_code == 409
    assert Investor.objects.filter(pk=investor.id).exists()

    # An undocumented status would raise: the schema lists every one seen here.
    assert issubclass(errors.UnexpectedStatus, Exception)
