import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.core.admin_pagination import CappedCountPaginator
from crm.investors.admin import InvestorAdmin
from crm.investors.models import Investor
from tests.admin_pages import changelist_url, listed
from tests.factories import InvestorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_five(monkeypatch):
    """A cap of 5 rows and pages of 2, so a few rows go past the cap."""
    monkeypatch.setattr(CappedCountPaginator, "max_count", 5)
    monkeypatch.setattr(InvestorAdmin, "list_per_page", 2)


def make_investors(count):
    return [InvestorFactory(name=f"Investor {n:02}") for n in range(count)]


def text(response):
    """The page's text with tags dropped and whitespace squeezed."""
    without_tags = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(without_tags).split())


def paginator_line(response):
    line = re.search(r'<p class="paginator">(.*?)</p>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", line.group(1)).split())


def search_results_line(response):
    line = re.search(
        r'<span class="small quiet">(.*?)</span>', response.content.decode()
    )
    return " ".join(re.sub(r"<[^>]+>", " ", line.group(1)).split())


def test_the_paginator_counts_exactly_below_the_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "max_count", 5)
    make_investors(5)

    paginator = CappedCountPaginator(Investor.objects.all(), 2)

    assert paginator.count == 5
    assert not paginator.capped
    assert paginator.num_pages == 3


def test_the_paginator_stops_counting_at_the_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "max_count", 5)
    make_investors(8)

    paginator = CappedCountPaginator(Investor.objects.all(), 2)

    assert paginator.count == 5
    assert paginator.capped
    assert paginator.num_pages == 3
    assert len(paginator.page(3).object_list) == 1


def test_the_paginator_counts_a_list_by_its_length(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "max_count", 5)

    paginator = CappedCountPaginator(list(range(8)), 2)

    assert paginator.count == 5
    assert paginator.capped


def test_the_changelist_counts_with_a_limit_of_one_past_the_cap(
    boss_client, cap_of_five
):
    make_investors(8)

    with CaptureQueriesContext(connection) as queries:
        response = boss_client.get(changelist_url(Investor))

    assert response.status_code == 200
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    # The one count of the investors (show_full_result_count is off): it stops
    # after 6 rows, and sorts nothing first.
    assert len(counts) == 1
    assert "LIMIT 6" in counts[0]
    assert "ORDER BY" not in counts[0]


def test_a_changelist_past_the_cap_says_more_than_the_cap_and_no_total(
    boss_client, cap_of_five
):
    make_investors(8)

    response = boss_client.get(changelist_url(Investor))

    assert paginator_line(response) == "1 2 3 more than 5 investors"
    assert search_results_line(response) == "more than 5 results ( Show all )"
    assert "Select all matching investors" in text(response)
    assert "All matching investors selected" in text(response)
    # No exact number anywhere: neither the capped 5 nor the true 8.
    exact_total = r"(?<!more than )\b[58] (investors|results|selected)|All [58]\b"
    assert not re.search(exact_total, text(response))
    # Nor a "Show all" of the pages: it would promise at most 5 rows.
    assert "showall" not in response.content.decode()


def test_every_page_up_to_the_cap_can_be_reached(boss_client, cap_of_five):
    investors = make_investors(8)
    url = changelist_url(Investor)

    pages = [listed(boss_client.get(url, {"p": page})) for page in (1, 2, 3)]
    past_the_cap = boss_client.get(url, {"p": 4})

    assert pages == [investors[0:2], investors[2:4], investors[4:5]]
    # Django's answer to a page past the end: back to the list with ?e=1.
    assert past_the_cap.status_code == 302
    assert past_the_cap["Location"].endswith("?e=1")


def test_a_search_past_the_cap_says_more_than_the_cap(boss_client, cap_of_five):
    make_investors(8)

    response = boss_client.get(changelist_url(Investor), {"q": "Investor"})

    assert search_results_line(response) == "more than 5 results ( Show all )"
    assert paginator_line(response) == "1 2 3 more than 5 investors"


def test_a_changelist_below_the_cap_reads_as_djangos(boss_client, cap_of_five):
    make_investors(4)

    response = boss_client.get(changelist_url(Investor))

    assert paginator_line(response) == "1 2 4 investors Show all"
    assert search_results_line(response) == "4 results ( Show all )"
    assert "Select all 4 investors" in text(response)
    assert "All 4 selected" in text(response)
    assert "more than" not in text(response)


def test_a_single_result_below_the_cap_reads_as_djangos(boss_client, cap_of_five):
    make_investors(1)

    response = boss_client.get(changelist_url(Investor))

    assert paginator_line(response) == "1 investor"
    assert search_results_line(response) == "1 result ( Show all )"


def test_deleting_all_matching_past_the_cap_deletes_every_matching_row(
    boss_client, cap_of_five
):
    investors = make_investors(8)

    response = boss_client.post(
        changelist_url(Investor),
        {
            "action": "delete_selected",
            "select_across": "1",
            "index": "0",
            "_selected_action": [investors[0].pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Investor.objects.exists()


def test_the_default_cap_reads_more_than_10000(boss_client, monkeypatch):
    make_investors(2)
    # As if 10,001 investors matched, without making them.
    monkeypatch.setattr(CappedCountPaginator, "_bounded_count", 10_001)

    response = boss_client.get(changelist_url(Investor))

    assert paginator_line(response).endswith("more than 10,000 investors")
    assert search_results_line(response) == "more than 10,000 results ( Show all )"
