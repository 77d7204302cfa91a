"""GET /api/v1/search/?q=: one search over every kind of record."""

import itertools

import pytest
from django.contrib.auth.models import Permission
from drf_spectacular.generators import SchemaGenerator

from tests.api_pages import field_errors
from tests.conftest import _client_with_token
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def found(response):
    assert response.status_code == 200, response.content
    return [(result["kind"], result["title"]) for result in response.json()["results"]]


def test_face_plus_plus_finds_megvii_by_its_alias(api, world):
    megvii, note = world["megvii"], world["comparable"]

    response = api.get(URL, {"q": "Face++"})

    assert response.json() == {
        "results": [
            {
                "kind": "company",
                "id": megvii.pk,
                "title": "Megvii",
                "subtitle": "also Face++ · Beijing · China",
                "url": f"http://testserver/admin/portfolio/company/{megvii.pk}/change/",
                "api_url": f"http://testserver/api/v1/companies/{megvii.pk}/",
            },
            {
                "kind": "note",
                "id": note.pk,
                "title": "Megvii (Face++) as the comparable",
                "subtitle": "about Megvii · SenseTime's closest peer in computer vision.",
                "url": f"http://testserver/admin/notes/dealnote/{note.pk}/change/",
                "api_url": f"http://testserver/api/v1/notes/{note.pk}/",
            },
        ]
    }


def test_a_chinese_alias_finds_sensetime(api, world):
    assert found(api.get(URL, {"q": "商汤"})) == [("company", "SenseTime")]


def test_oliver_finds_oliver_grant_at_softbank(api, world):
    response = api.get(URL, {"q": "oliver"})

    assert found(response) == [("contact", "Oliver Grant")]
    (result,) = response.json()["results"]
    assert result["subtitle"] == (
        "Investment Director at SoftBank Vision Fund · "
        "oliver.grant@visionfund.example.com"
    )
    assert result["api_url"] == (
        f"http://testserver/api/v1/contacts/{world['oliver'].pk}/"
    )


def test_people_are_found_by_email(api, world):
    assert found(api.get(URL, {"q": "grant@visionfund"})) == [
        ("contact", "Oliver Grant")
    ]


def test_an_investor_is_found_by_its_website_domain(api, world):
    assert found(api.get(URL, {"q": "alibabagroup.com"})) == [
        ("investor", "Alibaba Group")
    ]
    # Not by what every website has.
    assert found(api.get(URL, {"q": "https"})) == []


def test_rounds_are_found_by_company_and_name(api, world):
    assert found(api.get(URL, {"q": "sensetime series"})) == [
        ("round", "SenseTime Series C")
    ]


def test_an_exact_match_comes_first_then_one_at_the_start_then_any(api):
    for name in ["Capital Sun Partners", "Sunrise Capital", "Sun"]:
        InvestorFactory(name=name)

    assert found(api.get(URL, {"q": "sun", "kind": "investor"})) == [
        ("investor", "Sun"),
        ("investor", "Sunrise Capital"),
        ("investor", "Capital Sun Partners"),
    ]


def test_results_are_grouped_by_kind(api, world):
    InvestorFactory(name="SenseTime Strategic Fund")

    kinds = [kind for kind, _ in found(api.get(URL, {"q": "sensetime"}))]

    assert kinds == ["investor", "company", "round", "note"]


def test_a_kind_filter_narrows_the_search(api, world):
    assert found(api.get(URL, {"q": "megvii", "kind": "note"})) == [
        ("note", "Megvii (Face++) as the comparable")
    ]
    assert found(api.get(URL, {"q": "megvii", "kind": "company,investor"})) == [
        ("company", "Megvii")
    ]


def test_limit_caps_the_results_of_each_kind(api):
    for number in range(4):
        InvestorFactory(name=f"Lotus Fund {number}")
        CompanyFactory(name=f"Lotus Labs {number}")

    response = api.get(URL, {"q": "lotus", "limit": 2})

    assert found(response) == [
        ("investor", "Lotus Fund 0"),
        ("investor", "Lotus Fund 1"),
        ("company", "Lotus Labs 0"),
        ("company", "Lotus Labs 1"),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "a"}, "q"),
        ({"q": "  a  "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "ab\x00"}, "q"),
        ({"q": "sun", "kind": "investor,planet"}, "kind"),
        ({"q": "sun", "limit": 21}, "limit"),
        ({"q": "sun", "limit": 0}, "limit"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_parameter(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 400
    assert field in field_errors(response)


# Walls and permissions


def test_nothing_of_a_confidential_round_is_found_by_an_outsider(api, world):
    for words in ("series d", "Project Sun", "almost $1B", "anchor"):
        assert found(api.get(URL, {"q": words})) == [], words


def test_a_member_of_the_deal_team_finds_the_confidential_round(member, world):
    member_api = _client_with_token(member)

    assert found(member_api.get(URL, {"q": "series d"})) == [
        ("round", "SenseTime Series D"),
        ("note", "Vision Fund: almost $1B ticket in the Series D"),
    ]


def test_an_analyst_finds_what_the_analyst_may_view(analyst_api, world):
    assert found(analyst_api.get(URL, {"q": "oliver"})) == [("contact", "Oliver Grant")]


def test_only_kinds_the_user_may_view_are_searched(world):
    reader = UserFactory(username="reader")
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_company", "view_contact"])
    )
    reader_api = _client_with_token(reader)

    assert found(reader_api.get(URL, {"q": "megvii"})) == [("company", "Megvii")]
    assert found(reader_api.get(URL, {"q": "megvii", "kind": "note"})) == []


def test_a_user_who_may_view_nothing_is_refused(user):
    response = _client_with_token(user).get(URL, {"q": "megvii"})

    assert response.status_code == 403


def test_the_search_needs_credentials(anonymous_api):
    assert anonymous_api.get(URL, {"q": "megvii"}).status_code == 401


# Speed


def test_a_search_takes_the_same_queries_whatever_it_finds(
    api, django_assert_num_queries
):
    numbers = itertools.count()

    def records(count):
        for number in itertools.islice(numbers, count):
            investor = InvestorFactory(name=f"Lotus Fund {number}")
            ContactFactory(investor=investor, first_name="Lotus")
            company = CompanyFactory(name=f"Lotus Labs {number}")
            round_ = FundingRoundFactory(company=company, name=f"Lotus {number}")
            DealNoteFactory(title=f"Lotus note {number}", round=round_)

    # 1. the token with its user, 2-3. the user's and its groups'
    # permissions, 4. the confidential rounds the user's teams may see
    # (crm.portfolio.walls), 5-9. one query per kind: investors, people (with
    # their investor), companies, rounds (with their company), deal notes
    # (with what they are about).
    records(2)
    with django_assert_num_queries(9):
        response = api.get(URL, {"q": "lotus", "limit": 20})
    assert len(response.json()["results"]) == 10

    records(2)
    with django_assert_num_queries(9):
        response = api.get(URL, {"q": "lotus", "limit": 20})
    assert len(response.json()["results"]) == 20


# Schema


def test_the_schema_documents_the_search():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/search/"]["get"]

    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "q",
        "kind",
        "limit",
    }
    assert set(operation["responses"]) >= {"200", "400", "401", "403", "429"}
    result = schema["components"]["schemas"]["SearchResult"]
    assert list(result["properties"]) == [
        "kind",
        "id",
        "title",
        "subtitle",
        "url",
        "api_url",
    ]
