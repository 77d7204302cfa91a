"""One contract over every resource of the API, in the manner of NetBox's
`utilities/testing/api.py`: what is the same for every resource is written
once here, against the table RESOURCES; each resource's own modules keep what
only it does (its payloads, filters, orderings, rules).
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps

from config.api_router import router
from crm.core.models import Sector
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

ROWS = 3


@dataclass(frozen=True)
class Resource:
    name: str  # as registered on the router: /api/v1/<name>/
    model: str  # app_label.Model
    make: Callable  # one row, with every relation its list shows filled in
    bad_filter: tuple[str, str]  # a filter of the resource and a value it refuses
    bad_ordering: str | None  # a field outside its ordering allow-list, if it orders
    keyset: bool  # keyset pages (next/previous, no count) or numbered pages
    # Queries of one list page, whatever its length: the comment in RESOURCES
    # lists them after the three of authentication (1. the token with its
    # user, 2. the user's permissions, 3. the user's groups' permissions).
    queries: int

    @property
    def url(self):
        return f"/api/v1/{self.name}/"

    def __str__(self):
        return self.name


_dates = itertools.count()


def _sector():
    # Each below the one before: every row but the first shows a parent.
    return SectorFactory(parent=Sector.objects.order_by("-pk").first())


def _rate():
    # Rates are unique per currency and day.
    return ExchangeRateFactory(
        valid_from=datetime.date(2018, 1, 1) + datetime.timedelta(days=next(_dates))
    )


def _investor():
    investor = InvestorFactory(sectors=[SectorFactory()])
    StakeFactory(investor=investor)
    InteractionFactory(investor=investor)
    return investor


def _company():
    company = CompanyFactory(sector=SectorFactory())
    FundingRoundFactory(company=company, raised_amount=1_000_000)
    StakeFactory(company=company)
    return company


def _round():
    round_ = FundingRoundFactory()
    StakeFactory(company=round_.company, round=round_)
    return round_


def _stake():
    round_ = FundingRoundFactory()
    return StakeFactory(company=round_.company, round=round_)


def _interaction():
    investor = InvestorFactory()
    return InteractionFactory(
        investor=investor,
        contacts=ContactFactory.create_batch(2, investor=investor),
    )


RESOURCES = [
    # 4. COUNT(*), 5. the page with the parents' slugs joined.
    Resource(
        name="sectors",
        model="core.Sector",
        make=_sector,
        bad_filter=("updated_after", "yesterday"),
        bad_ordering=None,
        keyset=False,
        queries=5,
    ),
    # 4. COUNT(*), 5. the page.
    Resource(
        name="exchange-rates",
        model="core.ExchangeRate",
        make=_rate,
        bad_filter=("currency", "XYZ"),
        bad_ordering=None,
        keyset=False,
        queries=5,
    ),
    # 4. the confidential rounds the user's teams may see, 5. COUNT(*), 6. the
    # page with its figures as correlated subqueries, 7. the focus sectors.
    Resource(
        name="investors",
        model="investors.Investor",
        make=_investor,
        bad_filter=("company", "1.5"),
        bad_ordering="aum_usd",
        keyset=False,
        queries=7,
    ),
    # 4. COUNT(*), 5. the page (the investor is its id on the row).
    Resource(
        name="contacts",
        model="investors.Contact",
        make=ContactFactory,
        bad_filter=("investor", "alibaba"),
        bad_ordering=None,
        keyset=False,
        queries=5,
    ),
    # 4. the confidential rounds seen, 5. COUNT(*), 6. the page with sector
    # slugs joined and the figures as subqueries.
    Resource(
        name="companies",
        model="portfolio.Company",
        make=_company,
        bad_filter=("status", "bankrupt"),
        bad_ordering="founded_year",
        keyset=False,
        queries=6,
    ),
    # 4. the confidential rounds seen, 5. COUNT(*), 6. the page (relations
    # are ids on the rows), 7. the teams of the page's rounds.
    Resource(
        name="rounds",
        model="portfolio.FundingRound",
        make=_round,
        bad_filter=("stage", "series_z"),
        bad_ordering="name",
        keyset=False,
        queries=7,
    ),
    # 4. the confidential rounds seen, 5. the page (no COUNT: keyset pages;
    # investor, company and round are ids on the rows).
    Resource(
        name="stakes",
        model="portfolio.Stake",
        make=_stake,
        bad_filter=("is_lead", "maybe"),
        bad_ordering="ownership_pct",
        keyset=True,
        queries=5,
    ),
    # 4. the confidential rounds seen, 5. the page (no COUNT: keyset pages),
    # 6. the people present on the page's interactions.
    Resource(
        name="interactions",
        model="notes.Interaction",
        make=_interaction,
        bad_filter=("kind", "telegram"),
        bad_ordering="summary",
        keyset=True,
        queries=6,
    ),
    # 4. the confidential rounds seen, 5. COUNT(*), 6. the page (relations
    # and the author are ids on the rows).
    Resource(
        name="notes",
        model="notes.DealNote",
        make=DealNoteFactory,
        bad_filter=("pinned", "maybe"),
        bad_ordering=None,
        keyset=False,
        queries=6,
    ),
]

EVERY_RESOURCE = pytest.mark.parametrize("resource", RESOURCES, ids=str)
ORDERED = pytest.mark.parametrize(
    "resource", [r for r in RESOURCES if r.bad_ordering], ids=str
)


@pytest.fixture
def rows(resource):
    return [resource.make() for _ in range(ROWS)]


def stored(resource, row):
    return apps.get_model(resource.model).objects.values().get(pk=row.pk)


def test_the_table_covers_every_resource_of_the_router():
    assert sorted(r.name for r in RESOURCES) == sorted(
        prefix for prefix, _, _ in router.registry
    )


@EVERY_RESOURCE
def test_it_needs_credentials(anonymous_api, resource, rows):
    response = anonymous_api.get(resource.url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert anonymous_api.get(f"{resource.url}{rows[0].pk}/").status_code == 401
    assert anonymous_api.post(resource.url, {}).status_code == 401


@EVERY_RESOURCE
def test_an_analyst_can_read_but_not_write(analyst_api, resource, rows):
    row = rows[0]
    detail = f"{resource.url}{row.pk}/"
    before = stored(resource, row)
    # The record's own representation: a body the writes would accept.
    body = analyst_api.get(detail).json()

    assert analyst_api.get(resource.url).status_code == 200
    assert analyst_api.post(resource.url, body, format="json").status_code == 403
    assert analyst_api.put(detail, body, format="json").status_code == 403
    assert analyst_api.patch(detail, body, format="json").status_code == 403
    assert analyst_api.delete(detail).status_code == 403
    assert stored(resource, row) == before
    assert apps.get_model(resource.model).objects.count() == ROWS


@EVERY_RESOURCE
def test_a_missing_record_is_a_json_404(api, resource):
    response = api.get(f"{resource.url}999999/")

    assert response.status_code == 404
    name = apps.get_model(resource.model).__name__
    assert detail_of(response) == f"No {name} matches the given query."


@EVERY_RESOURCE
def test_a_list_page_has_the_shape_of_its_pagination(api, resource, rows):
    body = api.get(resource.url, {"page_size": 2}).json()

    if resource.keyset:
        assert set(body) == {"next", "previous", "results"}
    else:
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == ROWS
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"].startswith(f"http://testserver{resource.url}?")
    rest = api.get(body["next"]).json()
    assert len(rest["results"]) == ROWS - 2
    assert rest["next"] is None
    assert rest["previous"] is not None


@EVERY_RESOURCE
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(api, resource, rows):
    parameter, value = resource.bad_filter

    response = api.get(resource.url, {parameter: value})

    assert response.status_code == 400
    assert list(field_errors(response)) == [parameter]


@ORDERED
def test_an_ordering_outside_the_allow_list_is_a_400(api, resource, rows):
    field = resource.bad_ordering

    response = api.get(resource.url, {"ordering": field})

    assert response.status_code == 400
    assert field_errors(response) == {
        "ordering": [
            f"Select a valid choice. {field} is not one of the available choices."
        ]
    }


@EVERY_RESOURCE
def test_a_list_takes_the_same_queries_whatever_its_length(
    api, resource, rows, django_assert_num_queries
):
    # The queries of each resource are listed in RESOURCES.
    with django_assert_num_queries(resource.queries):
        first = api.get(resource.url, {"page_size": 1})
    assert len(first.json()["results"]) == 1
    with django_assert_num_queries(resource.queries):
        following = api.get(first.json()["next"])
    assert len(following.json()["results"]) == 1
    with django_assert_num_queries(resource.queries):
        every = api.get(resource.url, {"page_size": 50})
    assert len(every.json()["results"]) == ROWS
