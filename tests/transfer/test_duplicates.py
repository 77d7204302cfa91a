import pytest

from crm.integrations.models import ChangeEntry
from crm.investors.models import Contact, Investor
from crm.transfer.duplicates import candidates, domain, normalised
from crm.transfer.imports import preview_file
from tests.admin_pages import add_url, management_form
from tests.api_pages import field_errors
from tests.factories import CompanyFactory, ContactFactory, InvestorFactory
from tests.transfer.conftest import csv_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alibaba Group Holding Ltd.", "alibaba"),
        ("alibaba group", "alibaba"),
        ("HOPU Capital", "hopu"),
        ("Société Générale", "societe generale"),
        ("Capital Group", "capital group"),  # nothing left: the name as it is
    ],
)
def test_a_name_is_compared_without_case_accents_punctuation_and_generic_words(
    name, expected
):
    assert normalised(name) == expected


def test_a_website_is_compared_by_its_domain():
    assert domain("https://www.Alibaba.com/about") == "alibaba.com"
    assert domain("alibaba.com") == "alibaba.com"
    assert domain("") == ""


def test_an_investor_with_a_close_name_or_the_same_website_is_a_candidate():
    alibaba = InvestorFactory(name="Alibaba Group")
    site = InvestorFactory(name="Ant Group", website="https://www.antgroup.com")
    InvestorFactory(name="Tencent Holdings")

    by_name = candidates(Investor(name="Alibaba Group Holding Limited"))
    by_site = candidates(Investor(name="Ant Financial", website="antgroup.com/en"))

    assert [(c.record, c.reason) for c in by_name] == [(alibaba, "similar name")]
    assert [(c.record, c.reason) for c in by_site] == [(site, "same website")]


def test_a_company_named_by_one_of_its_aliases_is_a_candidate():
    megvii = CompanyFactory(name="Megvii", aliases=["Face++"])

    [candidate] = candidates(type(megvii)(name="face++"))

    assert candidate.record == megvii


def test_a_person_with_the_same_email_is_a_candidate_wherever_they_work():
    wei = ContactFactory(first_name="Wei", last_name="Zhang", email="wei@hopu.com")

    [candidate] = candidates(
        Contact(
            investor=InvestorFactory(), first_name="W.", last_name="Zhang",
            email="WEI@hopu.com",
        )
    )  # fmt: skip

    assert (candidate.record, candidate.reason) == (wei, "same e-mail")


def test_the_api_answers_409_with_the_candidates_unless_allowed(api):
    alibaba = InvestorFactory(name="Alibaba Group")

    response = api.post("/api/v1/investors/", {"name": "ALIBABA GROUP HOLDING"})

    assert response.status_code == 409
    assert response.json()["candidates"] == [
        {"id": alibaba.pk, "name": "Alibaba Group", "reason": "similar name"}
    ]
    assert Investor.objects.count() == 1
    allowed = api.post(
        "/api/v1/investors/?allow_duplicate=true", {"name": "ALIBABA GROUP HOLDING"}
    )
    assert allowed.status_code == 201


def test_a_409_leaves_no_record_history_or_feed_entry_behind(api):
    InvestorFactory(name="Alibaba Group")
    entries = ChangeEntry.objects.count()

    response = api.post("/api/v1/investors/", {"name": "Alibaba Group Holding"})

    assert response.status_code == 409
    assert not Investor.objects.filter(name="Alibaba Group Holding").exists()
    assert not Investor.history.filter(name="Alibaba Group Holding").exists()
    assert ChangeEntry.objects.count() == entries


def test_the_same_name_in_other_case_is_a_unique_clash_naming_the_record(api):
    # Not a "likely duplicate" with candidates: the unique name is taken
    # (issue 12: a 409 giving the existing record).
    alibaba = InvestorFactory(name="Alibaba Group")

    response = api.post("/api/v1/investors/", {"name": "ALIBABA GROUP"})

    assert response.status_code == 409
    assert field_errors(response)["name"] == [
        "An investor with this name already exists."
    ]
    assert response.json()["existing"]["id"] == alibaba.pk
    assert "candidates" not in response.json()


def test_the_admin_form_warns_with_links_and_creates_when_confirmed(
    client, deal_team_user
):
    client.force_login(deal_team_user)
    alibaba = InvestorFactory(name="Alibaba Group")
    form = {
        "name": "Alibaba Group Holding",
        "kind": "strategic",
        **management_form("contacts"),
        **management_form("stakes"),
    }

    response = client.post(add_url(Investor), form)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'/admin/investors/investor/{alibaba.pk}/change/">Alibaba Group</a>' in page
    assert Investor.objects.count() == 1

    response = client.post(add_url(Investor), {**form, "create_anyway": "on"})

    assert response.status_code == 302, response.context["errors"]
    assert Investor.objects.count() == 2


def test_an_import_preview_flags_a_row_like_an_existing_record(importer):
    alibaba = InvestorFactory(name="Alibaba Group")
    data = csv_file([["name"], ["Alibaba Group Holding Ltd"], ["HOPU Capital"]])

    first, second = preview_file("investors", "a.csv", data, importer).rows

    assert (first.status, first.duplicate_of) == (
        "duplicate",
        f"Alibaba Group (#{alibaba.pk}, similar name)",
    )
    assert second.status == "new"
