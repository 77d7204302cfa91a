"""/admin/search/?q=: the search box in the admin's header and its results page."""

import itertools
import re

import pytest
from django.contrib.auth.models import Permission

from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/admin/search/"


@pytest.fixture
def deal_client(client, deal_team_user):
    client.force_login(deal_team_user)
    return client


def groups(response):
    """{kind label: [result titles]} as the page shows them, in order."""
    assert response.status_code == 200
    return {
        group["kind"].label: [result.title for result, _ in group["results"]]
        for group in response.context["groups"]
    }


def test_every_admin_page_has_the_search_box(deal_client):
    page = deal_client.get("/admin/")

    assert '<form id="crm-header-search" method="get" action="/admin/search/"' in (
        page.text
    )
    assert 'name="q"' in page.text


def test_the_login_page_has_no_search_box(client):
    page = client.get("/admin/login/")

    assert page.status_code == 200
    assert "crm-header-search" not in page.text


def test_face_plus_plus_finds_megvii_with_a_link_to_its_page(deal_client, world):
    megvii = world["megvii"]

    response = deal_client.get(URL, {"q": "Face++"})

    assert groups(response) == {
        "Companies": ["Megvii"],
        "Deal notes": ["Megvii (Face++) as the comparable"],
    }
    assert f'href="/admin/portfolio/company/{megvii.pk}/change/">Megvii</a>' in (
        response.text
    )
    assert 'href="/admin/portfolio/company/?q=Face%2B%2B"' in response.text
    assert 'value="Face++"' in response.text


def test_the_results_are_grouped_by_kind(deal_client, world):
    InvestorFactory(name="SenseTime Strategic Fund")

    response = deal_client.get(URL, {"q": "sensetime"})

    assert groups(response) == {
        "Investors": ["SenseTime Strategic Fund"],
        "Companies": ["SenseTime"],
        "Funding rounds": ["SenseTime Series C"],
        "Deal notes": ["Megvii (Face++) as the comparable"],
    }


def test_chinese_and_people_searches(deal_client, world):
    assert groups(deal_client.get(URL, {"q": "商汤"})) == {"Companies": ["SenseTime"]}
    assert groups(deal_client.get(URL, {"q": "oliver"})) == {"People": ["Oliver Grant"]}


def test_a_short_or_empty_query_asks_for_more(deal_client, world):
    short = deal_client.get(URL, {"q": "m"})
    empty = deal_client.get(URL)

    assert groups(short) == {}
    assert "Type at least 2 characters." in short.text
    assert groups(empty) == {}
    assert "Nothing found" not in empty.text


def test_a_nul_character_finds_nothing_rather_than_failing(deal_client, world):
    response = deal_client.get(URL, {"q": "Meg\x00vii"})

    assert groups(response) == {}


def test_nothing_found_says_so(deal_client, world):
    response = deal_client.get(URL, {"q": "zzzz"})

    assert groups(response) == {}
    assert "Nothing found for “zzzz”." in response.text


def test_an_outsider_finds_nothing_of_a_confidential_round(deal_client, world):
    for words in ("series d", "Project Sun", "anchor"):
        response = deal_client.get(URL, {"q": words})
        assert groups(response) == {}, words
        assert "Series D" not in response.text.replace('value="series d"', "")


def test_a_member_finds_the_confidential_round(client, member, world):
    client.force_login(member)

    assert groups(client.get(URL, {"q": "series d"})) == {
        "Funding rounds": ["SenseTime Series D"],
        "Deal notes": ["Vision Fund: almost $1B ticket in the Series D"],
    }


def test_only_kinds_the_user_may_view_are_searched(client, world):
    reader = UserFactory(username="reader", is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_company"))
    client.force_login(reader)

    assert groups(client.get(URL, {"q": "megvii"})) == {"Companies": ["Megvii"]}


def test_a_staff_member_who_may_view_nothing_is_refused(client):
    client.force_login(UserFactory(username="intern", is_staff=True))

    assert client.get(URL, {"q": "megvii"}).status_code == 403


def test_someone_not_logged_in_is_sent_to_the_login_page(client):
    response = client.get(URL, {"q": "megvii"})

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=/admin/search/")


def test_the_page_runs_no_inline_code(deal_client, world):
    response = deal_client.get(URL, {"q": "megvii"})

    page = response.text
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert len(re.findall(r"<script\b", page)) == len(
        re.findall(r"<script\b[^>]*\bsrc=", page)
    )
    assert not re.search(r"\sstyle=|\son[a-z]+=", page)


def test_a_search_page_takes_the_same_queries_whatever_it_finds(
    deal_client, django_assert_num_queries
):
    numbers = itertools.count()

    def records(count):
        for number in itertools.islice(numbers, count):
            investor = InvestorFactory(name=f"Lotus Fund {number}")
            ContactFactory(investor=investor, first_name="Lotus")
            company = CompanyFactory(name=f"Lotus Labs {number}")
            round_ = FundingRoundFactory(company=company, name=f"Lotus {number}")
            DealNoteFactory(title=f"Lotus note {number}", round=round_)

    # 1. the session, 2. the user, 3-4. the user's and its groups'
    # permissions, 5. the confidential rounds the user's teams may see,
    # 6-10. one query per kind (investors, people, companies, rounds, deal
    # notes), each with what its subtitle shows.
    records(2)
    with django_assert_num_queries(10):
        response = deal_client.get(URL, {"q": "lotus"})
    assert sum(len(group) for group in groups(response).values()) == 10

    records(2)
    with django_assert_num_queries(10):
        response = deal_client.get(URL, {"q": "lotus"})
    assert sum(len(group) for group in groups(response).values()) == 20
