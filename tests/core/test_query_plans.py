"""Every searched, filtered or sorted list can be served by an index.

Each test issues the real request, takes the SQL of the page it read, and
asks PostgreSQL for the plan with sequential scans discouraged: the test
tables are tiny, so left alone the planner would rightly scan them, whereas
the question here is whether an index *can* serve the query, as it must at
100k investors and 1M stakes. Plans name the indexes the migrations create
(crm/*/migrations/*_list_indexes.py and *_search_indexes.py).

SQLite has no trigram indexes and another planner; these tests are skipped
there (its searches scan, which its small databases afford).
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="These are PostgreSQL query plans (trigram and NULLS LAST indexes).",
    ),
]


@pytest.fixture
def records(deal_team_user):
    """One matching row per list: an empty page is never read from the database."""
    fintech = SectorFactory(name="Fintech", slug="fintech")
    investor = InvestorFactory(name="Harbour Capital", city="Hong Kong")
    ContactFactory(investor=investor, first_name="Wei", last_name="Wang")
    company = CompanyFactory(name="Megvii", aliases=["Face++"], sector=fintech)
    FundingRoundFactory(company=company)
    StakeFactory(investor=investor, company=company)
    InteractionFactory(investor=investor, summary="Pricing call")
    DealNoteFactory(investor=investor, title="Pricing", author=deal_team_user)
    return {"investor": investor.pk, "company": company.pk}


def page_query(client, url, table):
    """The SQL of the query that read the page of `table`'s rows for `url`."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    pages = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith(f'SELECT "{table}".') and " LIMIT " in query["sql"]
    ]
    assert len(pages) == 1, pages
    return pages[0]


def indexes_in_plan(sql, *settings):
    """Names of the indexes PostgreSQL would scan to run `sql`."""
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ["enable_seqscan", *settings]:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    found = set()
    nodes = [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if "Index Name" in node:
            found.add(node["Index Name"])
        nodes.extend(node.get("Plans", []))
    return found


SEARCHES = [
    # The investor search: its name, aliases and description, and its people's
    # names in both orders ("Wei Wang", 王伟).
    (
        "/api/v1/investors/?search=harbour",
        "investors_investor",
        {
            "investor_name_trgm",
            "investor_aliases_trgm",
            "investor_description_trgm",
            "contact_full_name_trgm",
            "contact_family_first_name_trgm",
            "contact_email_trgm",
        },
    ),
    (
        "/api/v1/contacts/?search=wang",
        "investors_contact",
        {
            "contact_full_name_trgm",
            "contact_family_first_name_trgm",
            "contact_email_trgm",
            "contact_title_trgm",
        },
    ),
    (
        "/api/v1/companies/?search=face",
        "portfolio_company",
        {"company_name_trgm", "company_aliases_trgm"},
    ),
    (
        "/api/v1/interactions/?search=pricing",
        "notes_interaction",
        {"interaction_summary_trgm", "interaction_details_trgm"},
    ),
    (
        "/api/v1/notes/?search=pricing",
        "notes_dealnote",
        {"deal_note_title_trgm", "deal_note_body_trgm"},
    ),
]

LISTS = [
    ("/api/v1/stakes/", "portfolio_stake", {"stake_as_of_id_idx"}),
    (
        "/api/v1/stakes/?investor={investor}",
        "portfolio_stake",
        {"stake_investor_as_of_idx"},
    ),
    (
        "/api/v1/stakes/?company={company}",
        "portfolio_stake",
        {"stake_company_as_of_idx"},
    ),
    (
        "/api/v1/stakes/?ordering=-amount_usd",
        "portfolio_stake",
        {"stake_amount_usd_desc_idx"},
    ),
    (
        "/api/v1/stakes/?ordering=-created_at",
        "portfolio_stake",
        {"stake_created_at_idx"},
    ),
    (
        "/api/v1/interactions/?investor={investor}",
        "notes_interaction",
        {"interaction_investor_recent"},
    ),
    ("/api/v1/rounds/", "portfolio_fundinground", {"round_announced_on_id_idx"}),
    ("/api/v1/companies/", "portfolio_company", {"company_name_id_idx"}),
    ("/api/v1/investors/", "investors_investor", {"investor_name_id_idx"}),
    ("/api/v1/contacts/", "investors_contact", {"contact_name_id_idx"}),
    # A user in no team sees the open figures; a superuser all of them.
    (
        "/api/v1/investors/?ordering=-total_stake_usd",
        "investors_investor",
        {"investor_open_total_idx"},
    ),
]


@pytest.mark.parametrize(
    ("url", "table", "indexes"), SEARCHES, ids=[url for url, *_ in SEARCHES]
)
def test_a_search_can_use_the_trigram_indexes_of_its_fields(
    api, records, url, table, indexes
):
    sql = page_query(api, url, table)

    # Only bitmap scans: otherwise, on empty statistics, walking the index of
    # the sort order and filtering looks as cheap as any search index.
    assert indexes <= indexes_in_plan(sql, "enable_indexscan")


@pytest.mark.parametrize(
    ("url", "table", "indexes"), LISTS, ids=[url for url, *_ in LISTS]
)
def test_a_filtered_or_sorted_list_reads_its_page_from_an_index(
    api, records, url, table, indexes
):
    sql = page_query(api, url.format(**records), table)

    # Sorting discouraged too: a page in an index's order needs no sort, and
    # on empty statistics a merge join with the rounds and a sort of its
    # output can look as cheap as walking the index.
    assert indexes <= indexes_in_plan(sql, "enable_sort")


def test_stakes_in_a_sector_above_an_amount_are_read_through_a_stake_index(
    api, records
):
    # The benchmark's S1. Which index is cheapest depends on the data: on
    # 100k stakes, walking the default order (stake_as_of_id_idx) and keeping
    # the matches reads 738 rows for a page of 51; a rare sector favours its
    # companies' stakes in that order, a high amount the amount index. Each
    # avoids reading and sorting every stake of the sector.
    sql = page_query(
        api, "/api/v1/stakes/?sector=fintech&amount_min=1000000", "portfolio_stake"
    )

    plan = indexes_in_plan(sql)

    # Either amount index serves a high amount: the descending one, or the
    # column's own (db_index=True) scanned backwards.
    assert {
        "stake_as_of_id_idx",
        "stake_company_as_of_idx",
        "stake_amount_usd_desc_idx",
        "portfolio_stake_amount_usd_3a439e9b",
    } & plan, sorted(plan)


def index_conditions(sql, index):
    """The conditions PostgreSQL would start and stop its scan of `index` with."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    found, nodes = [], [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if node.get("Index Name") == index:
            found.append(node.get("Index Cond", ""))
        nodes.extend(node.get("Plans", []))
    return found


def test_a_stakes_page_deep_in_the_default_order_starts_its_scan_at_the_cursor(api):
    # The benchmark's S1 deep. As one row comparison, the cursor is where the
    # scan of the default order's index begins, and the planner estimates it
    # by its first column: a page 90% deep costs what the first one does.
    # (As an OR of column conditions it was a filter, estimated so selective
    # that reading every stake of the filtered companies and sorting looked
    # cheaper.)
    company = CompanyFactory()
    for _ in range(3):
        StakeFactory(company=company)
    first = api.get("/api/v1/stakes/", {"page_size": 1}).json()

    sql = page_query(api, first["next"], "portfolio_stake")

    assert "ROW(as_of, id) < ROW(" in "".join(
        index_conditions(sql, "stake_as_of_id_idx")
    ), sql


def test_the_investor_admin_search_can_use_the_name_alias_and_city_trigram_indexes(
    client, superuser, records
):
    client.force_login(superuser)

    sql = page_query(
        client, "/admin/investors/investor/?q=harbour", "investors_investor"
    )

    assert {
        "investor_name_trgm",
        "investor_aliases_trgm",
        "investor_city_trgm",
    } <= indexes_in_plan(sql, "enable_indexscan")


def test_a_superusers_investors_by_total_stake_are_read_from_the_all_stakes_index(
    admin_api, records
):
    sql = page_query(
        admin_api, "/api/v1/investors/?ordering=-total_stake_usd", "investors_investor"
    )

    assert "investor_all_total_idx" in indexes_in_plan(sql)
