import csv
import io

import pytest
from openpyxl import load_workbook

from crm.core.models import Team
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_a_list_with_format_csv_streams_every_matching_row_not_one_page(api):
    for n in range(3):
        InvestorFactory(name=f"Fund {n}", country="CN")
    InvestorFactory(name="Elsewhere", country="US")

    response = api.get("/api/v1/investors/?country=CN&page_size=1&format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert [row["name"] for row in read_csv(response)] == ["Fund 0", "Fund 1", "Fund 2"]


def test_accept_text_csv_answers_csv_with_the_api_fields_as_columns(api):
    sector = SectorFactory(name="Computer vision", slug="computer-vision")
    alibaba = InvestorFactory(name="Alibaba Group", sectors=[sector])
    StakeFactory(investor=alibaba, amount="2000000.00")

    response = api.get("/api/v1/investors/", HTTP_ACCEPT="text/csv")

    [row] = read_csv(response)
    assert list(row) == [
        "id", "name", "aliases", "kind", "country", "city", "website", "description",
        "sectors", "check_size_min_usd", "check_size_max_usd", "aum_usd", "owner",
        "contact_cadence_days", "total_stake_usd", "largest_stake_usd",
        "portfolio_count", "pipeline_usd", "last_interaction_at", "external_id",
        "created_at", "updated_at",
    ]  # fmt: skip
    assert row["name"] == "Alibaba Group"
    assert row["sectors"] == "Computer vision"
    assert row["country"] == "US"
    assert row["total_stake_usd"] == "2000000.00"


def test_stakes_export_names_their_relations_and_both_amounts(api):
    company = CompanyFactory(name="SenseTime")
    round_ = FundingRoundFactory(company=company, name="Series C")
    StakeFactory(
        investor=InvestorFactory(name="Alibaba Group"),
        company=company,
        round=round_,
        amount="600000000.00",
    )

    [row] = read_csv(api.get("/api/v1/stakes/?format=csv"))

    assert (row["investor"], row["company"], row["round"]) == (
        "Alibaba Group",
        "SenseTime",
        "Series C",
    )
    assert (row["amount"], row["currency"], row["amount_usd"]) == (
        "600000000.00",
        "USD",
        "600000000.00",
    )


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(api):
    InvestorFactory(name='=HYPERLINK("http://evil")', city="+1 city")
    InvestorFactory(name="@SUM(A1)", city="-2", description="\tTab")

    rows = read_csv(api.get("/api/v1/investors/?format=csv"))

    assert [(r["name"], r["city"]) for r in rows] == [
        ('\'=HYPERLINK("http://evil")', "'+1 city"),
        ("'@SUM(A1)", "'-2"),
    ]
    assert rows[1]["description"] == "'\tTab"


def test_a_list_with_format_xlsx_is_a_workbook_of_every_matching_row(api):
    InvestorFactory(name="商汤投资", country="CN")
    InvestorFactory(name="=1+1", country="CN")

    response = api.get("/api/v1/investors/?format=xlsx&country=CN")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["id", "name"]
    assert [row[1] for row in values[1:]] == ["'=1+1", "商汤投资"]


def test_walls_apply_to_exports(api, superuser):
    team = Team.objects.create(name="Project Tiger")
    hidden = FundingRoundFactory(confidential=True)
    hidden.teams.set([team])
    StakeFactory(round=hidden, company=hidden.company, source="secret")
    StakeFactory(source="open")

    rows = read_csv(api.get("/api/v1/stakes/?format=csv"))

    assert [row["source"] for row in rows] == ["open"]


def test_an_error_in_csv_format_is_still_an_error(api):
    response = api.get("/api/v1/investors/?format=csv&country=XX")

    assert response.status_code == 400
    assert b"country" in response.content


def test_the_schema_documents_the_format_parameter_and_the_csv_answer(api):
    response = api.get("/api/v1/schema/?format=json")

    operation = response.json()["paths"]["/api/v1/investors/"]["get"]
    [parameter] = [p for p in operation["parameters"] if p["name"] == "format"]
    assert sorted(parameter["schema"]["enum"]) == ["csv", "json", "xlsx"]
    content = operation["responses"]["200"]["content"]
    assert content["text/csv"]["schema"]["format"] == "binary"
