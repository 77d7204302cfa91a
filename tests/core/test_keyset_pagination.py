"""Keyset pages (crm.core.api.pagination) of the stakes and interactions lists."""

import base64
import datetime
import json
from decimal import Decimal
from operator import attrgetter

import pytest

from crm.core.api.pagination import keyset_cursor
from crm.notes.models import Interaction
from crm.portfolio.models import Stake
from tests.api_pages import field_errors
from tests.factories import (
    CompanyFactory,
    InteractionFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STAKES = "/api/v1/stakes/"
INTERACTIONS = "/api/v1/interactions/"
M = Decimal(1_000_000)

STAKE_ORDERINGS = [
    None,
    "amount_usd",
    "-amount_usd",
    "as_of",
    "-as_of",
    "created_at",
    "-created_at",
    "amount_usd,-as_of",
    "-amount_usd,as_of",
    "as_of,-amount_usd,created_at",
    "-created_at,amount_usd",
]
INTERACTION_ORDERINGS = [None, "occurred_at", "-occurred_at"]


def at(day, hour=9):
    return datetime.datetime(2018, 7, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def stakes():
    """Nine stakes with equal amounts, dates and creation times, and no amounts."""
    company = CompanyFactory()
    amounts = [5 * M, None, 2 * M, 5 * M, None, 2 * M, 9 * M, 5 * M, None]
    days = [1, 1, 2, 3, 3, 1, 2, 3, 1]
    made = [
        StakeFactory(
            investor=InvestorFactory(),
            company=company,
            amount=amount,
            as_of=datetime.date(2018, 5, day),
        )
        for amount, day in zip(amounts, days, strict=True)
    ]
    # Three creation times shared by several rows each.
    for index, stake in enumerate(made):
        Stake.objects.filter(pk=stake.pk).update(created_at=at(1 + index % 3))
    return list(Stake.objects.all())


@pytest.fixture
def interactions():
    """Seven interactions, three at the same moment."""
    investor, user = InvestorFactory(), UserFactory()
    for day in [4, 2, 2, 5, 2, 1, 3]:
        InteractionFactory(investor=investor, occurred_at=at(day), logged_by=user)
    return list(Interaction.objects.all())


def in_order(rows, ordering, default):
    """The ids of `rows` sorted as the API documents: NULLs last, ties by id."""
    # The default orderings break ties by -id, `ordering` by id.
    rows = sorted(rows, key=attrgetter("pk"), reverse=not ordering)
    # Stable sorts, the last column first.
    for name in reversed((ordering or default).split(",")):
        field = name.lstrip("-")
        present = [row for row in rows if getattr(row, field) is not None]
        empty = [row for row in rows if getattr(row, field) is None]
        present.sort(key=attrgetter(field), reverse=name.startswith("-"))
        rows = present + empty
    return [row.pk for row in rows]


def ids(body):
    return [row["id"] for row in body["results"]]


def walk(api, url, params):
    """Every page forward from the first, then back from the last; each page's ids."""
    forward, backward = [], []
    response = api.get(url, params)
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        forward.append(ids(body))
        if body["next"] is None:
            break
        response = api.get(body["next"])
    while body["previous"] is not None:
        body = api.get(body["previous"]).json()
        backward.append(ids(body))
    return forward, backward[::-1] + forward[-1:]


@pytest.mark.parametrize("ordering", STAKE_ORDERINGS)
def test_walking_the_stakes_both_ways_gives_every_row_once_in_order(
    api, stakes, ordering
):
    params = {"page_size": 2, **({"ordering": ordering} if ordering else {})}

    forward, backward = walk(api, STAKES, params)

    expected = in_order(stakes, ordering, "-as_of")
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward
    assert [len(page) for page in forward] == [2, 2, 2, 2, 1]


@pytest.mark.parametrize("ordering", INTERACTION_ORDERINGS)
def test_walking_the_interactions_both_ways_gives_every_row_once_in_order(
    api, interactions, ordering
):
    params = {"page_size": 3, **({"ordering": ordering} if ordering else {})}

    forward, backward = walk(api, INTERACTIONS, params)

    assert [pk for page in forward for pk in page] == in_order(
        interactions, ordering, "-occurred_at"
    )
    assert backward == forward


def test_the_first_page_has_no_previous_link_and_no_count(api, interactions):
    body = api.get(INTERACTIONS, {"page_size": 3}).json()

    assert set(body) == {"next", "previous", "results"}
    assert body["previous"] is None
    assert body["next"].startswith("http://testserver/api/v1/interactions/?cursor=")


def test_links_keep_the_filters_and_the_page_size(api, stakes):
    body = api.get(STAKES, {"page_size": 2, "ordering": "-amount_usd"}).json()

    assert "ordering=-amount_usd" in body["next"]
    assert "page_size=2" in body["next"]
    second = api.get(body["next"]).json()
    assert "ordering=-amount_usd" in second["previous"]


def test_a_page_ending_on_an_empty_amount_goes_on_past_it(api, stakes):
    # Three stakes have no amount: ordered last, they span the page boundary.
    first = api.get(STAKES, {"page_size": 7, "ordering": "amount_usd"}).json()
    rest = api.get(first["next"]).json()

    rows = {stake.pk: stake for stake in stakes}
    assert [rows[pk].amount_usd for pk in ids(first)][-1] is None
    assert [rows[pk].amount_usd for pk in ids(rest)] == [None, None]
    assert rest["next"] is None


def test_page_size_is_capped_at_200(api):
    investor, user = InvestorFactory(), UserFactory()
    Interaction.objects.bulk_create(
        Interaction(investor=investor, logged_by=user, summary=f"Call {n}")
        for n in range(201)
    )

    capped = api.get(INTERACTIONS, {"page_size": 500}).json()
    default = api.get(INTERACTIONS).json()

    assert len(capped["results"]) == 200
    assert capped["next"] is not None
    assert len(default["results"]) == 50
    assert len(api.get(capped["next"]).json()["results"]) == 1


def encode(payload):
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


NOT_A_CURSOR = ["This is not a cursor of this list."]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "e30",  # {}
        encode([1, 2]),
        encode("text"),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        encode({"o": ["-as_of", "-id"], "p": ["2018-05-01"], "r": False}),
        encode({"o": ["-as_of", "-id"], "p": ["2018-05-01", "7"], "r": "no"}),
        encode({"o": ["-as_of", "-id"], "p": ["2018-02-30", "7"], "r": False}),
        encode({"o": ["-as_of", "-id"], "p": ["2018-05-01", "x"], "r": False}),
        encode({"o": ["-as_of", "-id"], "p": ["2018-05-01", 7], "r": False}),
        encode({"o": ["-as_of", "-id"], "p": [None, "7"], "r": False}),
        encode({"o": ["-as_of", "-id"], "p": ["2018-05-01", "9" * 30], "r": False}),
        encode({"o": ["-as_of", "-id"], "p": ["2018-05-01", "1\x00"], "r": False}),
        encode({"o": ["-as_of", "-id"], "p": {"a": 1}, "r": False}),
    ],
)
def test_a_cursor_that_is_not_ours_is_a_400_naming_it(api, stakes, cursor):
    response = api.get(STAKES, {"cursor": cursor})

    assert response.status_code == 400
    assert field_errors(response) == {"cursor": NOT_A_CURSOR}


@pytest.mark.parametrize(
    "value",
    ["NaN", "Infinity", "1e400", "12345678901234567890123.5", "abc"],
)
def test_a_tampered_amount_is_a_400(api, stakes, value):
    cursor = encode({"o": ["amount_usd", "id"], "p": [value, "1"], "r": False})

    response = api.get(STAKES, {"ordering": "amount_usd", "cursor": cursor})

    assert response.status_code == 400
    assert field_errors(response) == {"cursor": NOT_A_CURSOR}


@pytest.mark.parametrize(
    "value",
    [
        "2018-07-01T09:00:00",  # no offset
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "2018-07-32T09:00:00Z",
    ],
)
def test_a_tampered_date_time_is_a_400(api, interactions, value):
    cursor = encode({"o": ["-occurred_at", "-id"], "p": [value, "1"], "r": False})

    response = api.get(INTERACTIONS, {"cursor": cursor})

    assert response.status_code == 400
    assert field_errors(response) == {"cursor": NOT_A_CURSOR}


def test_a_date_time_with_another_offset_is_read_in_utc(api, interactions):
    # 2018-07-03T09:00Z written as 11:00 at +02:00: the rows before it.
    position = ["2018-07-03T11:00:00+02:00", "1"]
    cursor = encode({"o": ["-occurred_at", "-id"], "p": position, "r": False})

    body = api.get(INTERACTIONS, {"cursor": cursor}).json()

    days = {row.pk: row.occurred_at.day for row in interactions}
    assert [days[pk] for pk in ids(body)] == [2, 2, 2, 1]


def test_a_cursor_of_another_ordering_is_a_400(api, stakes):
    next_link = api.get(STAKES, {"page_size": 2, "ordering": "amount_usd"}).json()[
        "next"
    ]
    cursor = next_link.split("cursor=")[1].split("&")[0]

    response = api.get(STAKES, {"ordering": "-amount_usd", "cursor": cursor})

    assert response.status_code == 400
    assert field_errors(response) == {
        "cursor": [
            "This cursor was made for another ordering: start again from the "
            "first page."
        ]
    }
    assert api.get(INTERACTIONS, {"cursor": cursor}).status_code == 400


def test_a_cursor_with_other_filters_goes_on_from_its_position(api, stakes):
    body = api.get(STAKES, {"page_size": 2}).json()
    cursor = body["next"].split("cursor=")[1].split("&")[0]

    response = api.get(
        STAKES, {"cursor": cursor, "amount_min": "3000000", "page_size": 2}
    )

    assert response.status_code == 200
    shown = set(ids(response.json()))
    assert shown <= {s.pk for s in stakes if (s.amount_usd or 0) >= 3 * M}
    assert shown.isdisjoint(ids(body))


def test_a_previous_link_of_an_empty_page_leads_back(api, stakes):
    # A cursor past the last row (its rows deleted since, say).
    last = min(stakes, key=lambda s: (s.as_of, s.pk))
    cursor = keyset_cursor(Stake.objects.all(), last)

    body = api.get(STAKES, {"cursor": cursor, "page_size": 2}).json()
    before = api.get(body["previous"]).json()

    assert body["results"] == []
    assert body["next"] is None
    assert len(ids(before)) == 2
    assert last.pk not in ids(before)


def test_keyset_cursor_points_where_the_next_link_does(api, stakes):
    first = api.get(STAKES, {"page_size": 3}).json()
    third = Stake.objects.get(pk=ids(first)[-1])

    cursor = keyset_cursor(Stake.objects.all(), third)

    assert first["next"] == (
        f"http://testserver/api/v1/stakes/?cursor={cursor}&page_size=3"
    )


def test_history_keeps_numbered_pages(api, stakes):
    response = api.get(f"{STAKES}{stakes[0].pk}/history/", {"page_size": 1})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_numbered_page_deeper_than_10000_rows_is_a_400_naming_page(api):
    # No rows are needed: the depth is refused before any query of the list.
    response = api.get("/api/v1/investors/", {"page": 201, "page_size": 50})

    assert response.status_code == 400
    assert field_errors(response) == {
        "page": [
            "Pages reach the first 10,000 rows. Narrow the list with filters "
            "(updated_after, for a sync) or another ordering to reach the rest."
        ]
    }
    # The last page within the depth is still served (here: past the end, 404).
    assert (
        api.get("/api/v1/investors/", {"page": 200, "page_size": 50}).status_code == 404
    )
