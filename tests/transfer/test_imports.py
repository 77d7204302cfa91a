import datetime
from decimal import Decimal

import pytest

from crm.investors.models import Investor
from crm.portfolio.models import Stake
from crm.transfer.files import ImportFileError
from crm.transfer.imports import ImportRefused, import_file, preview_file, start_batch
from tests.factories import (
    CompanyFactory,
    ExchangeRateFactory,
    FundingRoundFactory,
    InvestorFactory,
    SectorFactory,
)
from tests.transfer.conftest import csv_file, xlsx_file

pytestmark = pytest.mark.django_db


def statuses(preview):
    return [(row.number, row.status, row.label) for row in preview.rows]


def test_a_preview_says_new_update_and_duplicate_and_writes_nothing(importer):
    InvestorFactory(name="Alibaba Group", city="Hangzhou", country="CN")
    data = csv_file(
        [
            ["name", "kind", "country", "city"],
            ["Alibaba Group", "strategic", "CN", "Beijing"],
            ["HOPU Capital", "Private equity", "China", "Beijing"],
            ["hopu capital", "private_equity", "CN", ""],
        ]
    )

    preview = preview_file("investors", "list.csv", data, importer)

    assert statuses(preview) == [
        (2, "update", "Alibaba Group"),
        (3, "new", "HOPU Capital"),
        (4, "duplicate", "hopu capital"),
    ]
    assert preview.rows[0].changes == ["kind", "city"]
    assert preview.rows[2].duplicate_of == "row 3"
    assert Investor.objects.count() == 1
    assert Investor.objects.get().city == "Hangzhou"


def test_errors_name_the_column_and_the_reason(importer):
    data = csv_file(
        [
            ["name", "country", "aum_usd", "sectors"],
            ["One", "Atlantis", "1,000", ""],
            ["Two", "CN", "lots", "no-such-sector"],
            ["", "CN", "", ""],
        ]
    )

    preview = preview_file("investors", "list.csv", data, importer)

    assert [row.errors for row in preview.rows] == [
        [
            (
                "country",
                "“Atlantis” is not a country: give its ISO code or English name.",
            )
        ],
        [
            ("sectors", "No sector “no-such-sector”."),
            ("aum_usd", "“lots” is not a number."),
        ],
        [("name", "This field cannot be blank.")],
    ]


def test_amounts_with_thousands_separators_and_dates_in_common_forms_are_read(
    importer,
):
    ExchangeRateFactory(currency="CNY", usd_per_unit=Decimal("0.15"))
    company = CompanyFactory(name="Megvii", aliases=["Face++"])
    round_ = FundingRoundFactory(company=company, name="Series D")
    InvestorFactory(name="Alibaba Group")
    data = csv_file(
        [
            ["investor", "company", "round", "amount", "currency", "as_of", "status"],
            ["alibaba group", "Face++", "Series D", "1,000,000", "CNY", "31/05/2018", "closed"],
            ["Alibaba Group", "Megvii", "", "2 500 000.50", "CNY", "2018-06-01", "closed"],
        ]
    )  # fmt: skip
    batch = start_batch("stakes", "stakes.csv", data, importer)

    import_file(batch, importer)

    first, second = Stake.objects.order_by("as_of")
    assert (first.round, first.amount, first.as_of) == (
        round_,
        Decimal("1000000.00"),
        datetime.date(2018, 5, 31),
    )
    assert first.amount_usd == Decimal("150000.00")
    assert second.amount == Decimal("2500000.50")
    assert (batch.rows_created, batch.rows_updated) == (2, 0)


def test_an_ambiguous_date_is_refused(importer):
    InvestorFactory(name="Alibaba Group")
    CompanyFactory(name="SenseTime")
    data = csv_file(
        [["investor", "company", "as_of"], ["Alibaba Group", "SenseTime", "04/05/2018"]]
    )

    [row] = preview_file("stakes", "stakes.csv", data, importer).rows

    assert row.errors == [
        (
            "as_of",
            "“04/05/2018” could be day-first or month-first: write it as YYYY-MM-DD.",
        )
    ]


def test_one_bad_row_means_nothing_is_written(importer):
    data = csv_file([["name", "country"], ["Good", "CN"], ["Bad", "Atlantis"]])
    batch = start_batch("investors", "list.csv", data, importer)

    with pytest.raises(ImportRefused) as refused:
        import_file(batch, importer)

    assert [row.number for row in refused.value.preview.rows if row.errors] == [3]
    assert not Investor.objects.exists()


def test_skipping_errors_imports_the_good_rows(importer):
    data = csv_file([["name", "country"], ["Good", "CN"], ["Bad", "Atlantis"]])
    batch = start_batch("investors", "list.csv", data, importer)

    import_file(batch, importer, skip_errors=True)

    assert list(Investor.objects.values_list("name", flat=True)) == ["Good"]
    assert (batch.rows_created, batch.rows_skipped) == (1, 1)


def test_an_import_writes_history_with_the_batch_and_the_user(importer):
    sector = SectorFactory(name="Computer vision", slug="computer-vision")
    data = csv_file([["name", "sectors"], ["HOPU Capital", "Computer vision"]])
    batch = start_batch("investors", "list.csv", data, importer)

    import_file(batch, importer)

    investor = Investor.objects.get()
    assert list(investor.sectors.all()) == [sector]
    entry = investor.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        importer,
        f"Import #{batch.pk}",
    )
    assert batch.records.get().object_id == investor.pk


def test_a_gbk_encoded_csv_from_a_chinese_excel_is_read(importer):
    data = csv_file([["name", "city", "country"], ["高瓴资本", "北京", "中国"]], "gbk")

    [row] = preview_file("investors", "投资人.csv", data, importer).rows

    assert (row.status, row.label) == ("new", "高瓴资本")
    assert (row.instance.city, row.instance.country) == ("北京", "CN")


def test_utf8_with_and_without_bom_read_the_same(importer):
    rows = [["name", "city"], ["商汤", "上海"]]
    plain = preview_file("investors", "a.csv", csv_file(rows), importer)
    bom = preview_file("investors", "a.csv", csv_file(rows, "utf-8-sig"), importer)

    assert plain.rows[0].instance.name == bom.rows[0].instance.name == "商汤"


def test_an_xlsx_file_is_read_and_its_formula_cells_are_refused(importer):
    data = xlsx_file(
        [
            ["name", "aum_usd", "founded"[:0] or "city"],
            ["SoftBank Vision Fund", 100000000000, "Tokyo"],
            ["Formula Fund", "=1+1", "London"],
        ]
    )

    first, second = preview_file("investors", "list.xlsx", data, importer).rows

    assert (first.status, first.instance.aum_usd) == ("new", Decimal("100000000000"))
    assert second.errors == [
        ("aum_usd", "A formula (=1+1): put its value in the cell instead.")
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("blank.csv", b"\n\n", "The file is empty."),
        ("header.csv", b"name,city\n", "The file has a header but no rows."),
        ("list.pdf", b"%PDF-1.4 ...", "A .pdf file cannot be read: give a CSV or XLSX file."),
        ("list.xlsx", b"name,city\nA,B\n", "This is not a CSV or XLSX file: save it as one of them."),
        ("broken.xlsx", b"PK\x03\x04broken", "This XLSX file cannot be opened: is it damaged?"),
        ("latin.csv", "name\nCafé\n".encode("utf-16"), "This is not a CSV or XLSX file: save it as one of them."),
        ("odd.csv", b"name,colour,city\nA,red,B\n", "Unknown columns: colour."),
        ("nameless.csv", b"city\nBeijing\n", "Missing columns: name."),
    ],
)  # fmt: skip
def test_a_bad_file_gets_a_clear_message(importer, name, data, message):
    with pytest.raises(ImportFileError) as error:
        preview_file("investors", name, data, importer)

    assert str(error.value).startswith(message)


def test_a_file_over_the_size_limit_is_refused(importer, settings):
    settings.TRANSFER_MAX_FILE_BYTES = 100

    with pytest.raises(ImportFileError) as error:
        preview_file("investors", "big.csv", b"name\n" + b"x" * 200, importer)

    assert "the limit is" in str(error.value)


def test_an_export_imports_again_unchanged(api, importer):
    InvestorFactory(name="=Formula Fund", city="Shanghai")
    exported = b"".join(api.get("/api/v1/investors/?format=csv").streaming_content)

    [row] = preview_file("investors", "export.csv", exported, importer).rows

    assert (row.status, row.label) == ("unchanged", "=Formula Fund")


def test_a_preview_never_confirmed_is_forgotten_after_a_day(importer):
    from django.utils import timezone

    from crm.transfer.models import ImportBatch

    old = start_batch("investors", "old.csv", b"name\nA\n", importer)
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )

    start_batch("investors", "new.csv", b"name\nB\n", importer)

    assert list(ImportBatch.objects.values_list("file_name", flat=True)) == ["new.csv"]
