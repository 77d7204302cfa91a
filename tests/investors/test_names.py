"""Names written in Chinese, Japanese or Korean read family name first, and are found."""

import pytest

from crm.investors.models import Contact, Investor
from crm.investors.names import person_name
from tests.admin_pages import changelist_url, listed
from tests.factories import ContactFactory, InvestorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("军", "王", "王军"),
        ("太郎", "山田", "山田太郎"),
        ("민준", "김", "김민준"),
        ("Oliver", "Grant", "Oliver Grant"),
        # A Latin letter anywhere: the Western order, as typed.
        ("Jun", "王", "Jun 王"),
        ("Oliver", "", "Oliver"),
    ],
)
def test_a_cjk_name_puts_the_family_name_first_without_a_space(first, last, shown):
    assert person_name(first, last) == shown


@pytest.fixture
def alibaba(db):
    investor = InvestorFactory(name="Alibaba Group", aliases=["阿里巴巴"])
    ContactFactory(investor=investor, first_name="军", last_name="王", email="")
    ContactFactory(investor=investor, first_name="Joe", last_name="Tsai", email="")
    return investor


def test_a_person_reads_family_name_first_in_the_admin_and_the_api(
    admin_client, alibaba
):
    wang = Contact.objects.get(last_name="王")

    page = admin_client.get(f"/admin/investors/contact/{wang.pk}/change/")
    api = admin_client.get(f"/api/v1/contacts/{wang.pk}/")

    assert str(wang) == "王军"
    assert "<title>王军 | " in page.text
    assert (api.json()["first_name"], api.json()["last_name"]) == ("军", "王")


def test_the_people_list_finds_a_chinese_name_written_whole(admin_client, alibaba):
    found = admin_client.get(changelist_url(Contact), {"q": "王军"})
    by_family_name = admin_client.get(changelist_url(Contact), {"q": "王"})
    western = admin_client.get(changelist_url(Contact), {"q": "Joe Tsai"})

    assert [str(contact) for contact in listed(found)] == ["王军"]
    assert [str(contact) for contact in listed(by_family_name)] == ["王军"]
    assert [str(contact) for contact in listed(western)] == ["Joe Tsai"]


def test_the_people_autocomplete_finds_a_chinese_name(admin_client, alibaba):
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "notes",
            "model_name": "interaction",
            "field_name": "contacts",
            "term": "王军",
        },
    )

    wang = Contact.objects.get(last_name="王")
    assert response.json()["results"] == [{"id": str(wang.pk), "text": "王军"}]


def test_the_investor_list_finds_an_investor_by_its_chinese_alias(
    admin_client, alibaba
):
    InvestorFactory(name="HOPU Capital")

    response = admin_client.get(changelist_url(Investor), {"q": "阿里巴巴"})

    assert listed(response) == [alibaba]


def test_the_header_search_finds_people_and_investors_by_chinese_names(
    admin_client, alibaba
):
    by_person = admin_client.get("/admin/search/", {"q": "王军"})
    by_alias = admin_client.get("/admin/search/", {"q": "阿里巴巴"})

    def titles(response):
        return {
            group["kind"].name: [result.title for result, _ in group["results"]]
            for group in response.context["groups"]
        }

    assert titles(by_person) == {"contact": ["王军"]}
    assert titles(by_alias) == {"investor": ["Alibaba Group"]}


def test_the_api_search_and_lists_find_chinese_names(admin_client, alibaba):
    search = admin_client.get("/api/v1/search/", {"q": "王军"}).json()
    contacts = admin_client.get("/api/v1/contacts/", {"search": "王军"}).json()
    investors = admin_client.get("/api/v1/investors/", {"search": "王军"}).json()
    by_alias = admin_client.get("/api/v1/investors/", {"search": "阿里巴巴"}).json()

    wang = Contact.objects.get(last_name="王")
    assert [(result["kind"], result["title"]) for result in search["results"]] == [
        ("contact", "王军")
    ]
    assert [contact["id"] for contact in contacts["results"]] == [wang.pk]
    assert [investor["name"] for investor in investors["results"]] == ["Alibaba Group"]
    assert [investor["name"] for investor in by_alias["results"]] == ["Alibaba Group"]
