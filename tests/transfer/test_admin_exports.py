import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm.investors.models import Investor
from tests.admin_pages import changelist_url
from tests.factories import ContactFactory, InvestorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, deal_team_user):
    client.force_login(deal_team_user)
    return client


def read_csv(response):
    assert response.status_code == 200, response
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_list_links_to_its_export_with_the_filters_on_screen(client):
    response = client.get(changelist_url(Investor), {"country": "CN", "q": "fund"})

    export = reverse("admin:investors_investor_export")
    html = response.content.decode()
    assert f"{export}?country=CN&amp;q=fund&amp;_format=csv" in html
    assert f"{export}?country=CN&amp;q=fund&amp;_format=xlsx" in html


def test_export_downloads_every_row_the_list_shows_filtered_searched_and_ordered(
    client,
):
    InvestorFactory(name="Alpha Fund", country="CN")
    InvestorFactory(name="Beta Fund", country="CN")
    InvestorFactory(name="Gamma Capital", country="CN")
    InvestorFactory(name="Delta Fund", country="US")

    response = client.get(
        reverse("admin:investors_investor_export"),
        {"country": "CN", "q": "fund", "o": "-1", "_format": "csv"},
    )

    assert [row["name"] for row in read_csv(response)] == ["Beta Fund", "Alpha Fund"]


def test_the_export_action_downloads_the_selected_rows_as_xlsx(client):
    chosen = InvestorFactory(name="Chosen")
    InvestorFactory(name="Not chosen")
    ContactFactory(investor=chosen, first_name="Wei", last_name="Zhang")

    response = client.post(
        changelist_url(Investor),
        {"action": "export_xlsx", "_selected_action": [chosen.pk]},
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["Chosen"]


def test_a_contact_export_names_the_investor(client):
    ContactFactory(
        investor=InvestorFactory(name="HOPU Capital"), first_name="Fang", last_name="Li"
    )

    response = client.get(reverse("admin:investors_contact_export"), {"_format": "csv"})

    [row] = read_csv(response)
    assert (row["investor"], row["first_name"]) == ("HOPU Capital", "Fang")


def test_an_unknown_filter_on_the_export_goes_back_to_the_list_with_its_error(
    client,
):
    response = client.get(reverse("admin:investors_investor_export"), {"nonsense": "1"})

    assert response.status_code == 302
    assert response["Location"] == changelist_url(Investor) + "?e=1"


def test_a_user_without_view_permission_cannot_export(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)

    response = client.get(reverse("admin:investors_investor_export"))

    assert response.status_code == 403
