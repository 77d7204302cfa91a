"""Imports written in bulk keep every rule of the one-record write path."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.core.models import Team
from crm.integrations.models import ChangeEntry
from crm.investors.models import Investor
from crm.portfolio.models import FundingRound
from crm.transfer.imports import ImportRefused, import_file, preview_file, start_batch
from crm.transfer.undo import undo_batch
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    SectorFactory,
)
from tests.transfer.conftest import csv_file

pytestmark = pytest.mark.django_db


def investors(count, start=0):
    return csv_file(
        [["name", "country", "aum_usd", "sectors"]]
        + [
            [f"Fund {n:04d} Capital", "China", f"{n + 1:,}000", "ai; fintech"]
            for n in range(start, start + count)
        ]
    )


@pytest.fixture
def sectors(db):
    return [
        SectorFactory(name="Artificial intelligence", slug="ai"),
        SectorFactory(name="Fintech", slug="fintech"),
    ]


def queries_of(action):
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)


def test_the_preview_asks_the_same_queries_for_ten_rows_as_for_forty(importer, sectors):
    InvestorFactory(name="Fund 0003 Capital")

    ten = queries_of(
        lambda: preview_file("investors", "a.csv", investors(10), importer)
    )
    forty = queries_of(
        lambda: preview_file("investors", "a.csv", investors(40), importer)
    )

    # The sectors, the users, the investors the rows update, the names they
    # may duplicate (a pass over the table) and their records, the unique
    # names, and on PostgreSQL the trigram search: per chunk, not per row.
    assert ten == forty


def test_the_import_asks_the_same_queries_for_ten_rows_as_for_forty(importer, sectors):
    def run(data):
        batch = start_batch("investors", "a.csv", data, importer)
        queries = queries_of(lambda: import_file(batch, importer))
        undo_batch(batch=batch, user=importer)
        return queries

    assert run(investors(10)) == run(investors(40, start=100))


def test_each_record_written_in_bulk_has_its_history_entry_sets_and_feed_entry(
    importer, sectors
):
    batch = start_batch("investors", "a.csv", investors(3), importer)

    import_file(batch, importer)

    created = list(Investor.objects.order_by("name"))
    assert [investor.name for investor in created] == [
        "Fund 0000 Capital",
        "Fund 0001 Capital",
        "Fund 0002 Capital",
    ]
    for investor in created:
        (entry,) = investor.history.all()
        assert (entry.history_type, entry.history_user, entry.name) == (
            "+",
            importer,
            investor.name,
        )
        assert entry.history_change_reason == f"Import #{batch.pk}"
        assert sorted(row.sector.slug for row in entry.sectors.all()) == [
            "ai",
            "fintech",
        ]
        assert sorted(s.slug for s in investor.sectors.all()) == ["ai", "fintech"]
        assert list(
            ChangeEntry.objects.filter(
                resource="investors", record_id=investor.pk
            ).values_list("action", "wall")
        ) == [("created", None)]
    assert created[2].aum_usd == 3000


def test_undo_of_a_bulk_import_deletes_every_record_and_it_imports_again(
    importer, sectors
):
    batch = start_batch("investors", "a.csv", investors(3), importer)
    import_file(batch, importer)

    undo_batch(batch=batch, user=importer)

    assert not Investor.objects.exists()
    again = start_batch("investors", "a.csv", investors(3), importer)
    import_file(again, importer)
    assert again.rows_created == 3


def test_a_check_constraint_refuses_its_row_by_column_and_nothing_is_written(
    importer,
):
    data = csv_file(
        [
            ["name", "check_size_min_usd", "check_size_max_usd"],
            ["Fine Capital", "1", "2"],
            ["Backwards Capital", "5,000,000", "1,000,000"],
        ]
    )
    batch = start_batch("investors", "a.csv", data, importer)

    with pytest.raises(ImportRefused) as refused:
        import_file(batch, importer)

    assert [(row.number, row.errors) for row in refused.value.preview.rows] == [
        (2, []),
        (
            3,
            [
                (
                    "check_size_max_usd",
                    "The largest check cannot be smaller than the smallest.",
                )
            ],
        ),
    ]
    assert not Investor.objects.exists()


def test_a_name_taken_in_another_case_by_an_update_is_refused_by_column(importer):
    taken = InvestorFactory(name="Alibaba Group")
    other = InvestorFactory(name="HOPU Capital")
    data = csv_file([["id", "name"], [str(other.pk), "ALIBABA GROUP"]])

    preview = preview_file("investors", "a.csv", data, importer)

    assert preview.rows[0].errors == [
        ("name", "An investor with this name already exists.")
    ]
    assert str(taken) == "Alibaba Group"


@pytest.fixture
def lotus(importer):
    team = Team.objects.create(name="Project Lotus")
    team.members.add(importer)
    return team


def confidential_round_file(team):
    return csv_file(
        [
            ["company", "name", "currency", "confidential", "teams"],
            ["SenseTime", "Series A", "USD", "no", ""],
            ["SenseTime", "Series Z", "USD", "yes", team.name],
        ]
    )


def test_a_confidential_round_from_a_writer_without_the_permission_is_a_row_error(
    importer, lotus
):
    CompanyFactory(name="SenseTime")
    data = confidential_round_file(lotus)

    preview = preview_file("rounds", "rounds.csv", data, importer)

    assert [row.status for row in preview.rows] == ["new", "error"]
    (column, message), *_ = preview.rows[1].errors
    assert column == "confidential"
    assert "Can manage confidentiality" in message


def test_confirming_a_confidential_round_without_the_permission_writes_nothing(
    importer, lotus
):
    CompanyFactory(name="SenseTime")
    batch = start_batch(
        "rounds", "rounds.csv", confidential_round_file(lotus), importer
    )

    with pytest.raises(ImportRefused) as refused:
        import_file(batch, importer)

    assert refused.value.preview.rows[1].errors[0][0] == "confidential"
    assert not FundingRound.objects.exists()


def test_a_deal_lead_imports_a_confidential_round_of_their_team(importer, lotus):
    importer.groups.add(Group.objects.get(name="Deal lead"))
    CompanyFactory(name="SenseTime")
    batch = start_batch(
        "rounds", "rounds.csv", confidential_round_file(lotus), importer
    )

    import_file(batch, importer)

    walled = FundingRound.objects.get(name="Series Z")
    assert (walled.confidential, list(walled.teams.all())) == (True, [lotus])


def test_rows_of_later_chunks_are_not_duplicates_of_what_earlier_chunks_wrote(
    importer, monkeypatch
):
    monkeypatch.setattr("crm.transfer.imports.CHUNK_ROWS", 1)
    alibaba = InvestorFactory(name="Alibaba Group")
    data = csv_file(
        [
            ["investor", "first_name", "last_name", "email"],
            [alibaba.name, "Wei", "Zhang", "wei@alibaba.example"],
            [alibaba.name, "Wei", "Zhang", "wei.zhang@alibaba.example"],
        ]
    )
    assert [
        row.status for row in preview_file("contacts", "a.csv", data, importer).rows
    ] == [
        "new",
        "new",
    ]
    batch = start_batch("contacts", "a.csv", data, importer)

    import_file(batch, importer)

    assert (batch.rows_created, batch.rows_skipped) == (2, 0)
    assert sorted(alibaba.contacts.values_list("email", flat=True)) == [
        "wei.zhang@alibaba.example",
        "wei@alibaba.example",
    ]


def stakes_file(rows):
    return csv_file(
        [
            ["investor", "company", "round", "amount", "currency", "as_of", "status"],
            *rows,
        ]
    )


def test_imported_stakes_leave_their_investors_figures_as_a_recount_gives(
    importer,
):
    company = CompanyFactory(name="Megvii")
    series_c = FundingRoundFactory(company=company, name="Series C")
    series_d = FundingRoundFactory(company=company, name="Series D")
    alibaba = InvestorFactory(name="Alibaba Group")
    hopu = InvestorFactory(name="HOPU Capital")
    data = stakes_file(
        [
            [alibaba.name, "Megvii", series_c.name, "1,000,000", "USD", "2018-05-31", "closed"],
            [alibaba.name, "Megvii", series_d.name, "3,000,000", "USD", "2019-05-31", "closed"],
            [hopu.name, "Megvii", series_d.name, "2,000,000", "USD", "2019-05-31", "closed"],
        ]
    )  # fmt: skip
    batch = start_batch("stakes", "stakes.csv", data, importer)

    import_file(batch, importer)

    alibaba.refresh_from_db()
    hopu.refresh_from_db()
    assert (
        alibaba.all_stake_total_usd,
        alibaba.all_largest_stake_usd,
        alibaba.all_portfolio_count,
    ) == (4_000_000, 3_000_000, 1)
    assert (hopu.all_stake_total_usd, hopu.open_stake_total_usd) == (
        2_000_000,
        2_000_000,
    )
    recounted = Investor.objects.filter(pk=alibaba.pk)
    recounted.refresh_stake_figures()
    assert recounted.get().all_stake_total_usd == alibaba.all_stake_total_usd


def test_a_stake_import_recounts_each_investor_once(importer, monkeypatch):
    company = CompanyFactory(name="Megvii")
    rounds = [FundingRoundFactory(company=company, name=f"Series {n}") for n in "ABC"]
    alibaba = InvestorFactory(name="Alibaba Group")
    recounts = []
    original = type(Investor.objects.all()).refresh_stake_figures

    def counting(queryset):
        recounts.append(sorted(queryset.values_list("name", flat=True)))
        return original(queryset)

    monkeypatch.setattr(type(Investor.objects.all()), "refresh_stake_figures", counting)
    data = stakes_file(
        [
            [alibaba.name, "Megvii", round_.name, "1,000", "USD", "2018-05-31", "closed"]
            for round_ in rounds
        ]
    )  # fmt: skip
    batch = start_batch("stakes", "stakes.csv", data, importer)

    import_file(batch, importer)

    assert recounts == [["Alibaba Group"]]
    alibaba.refresh_from_db()
    assert alibaba.all_stake_total_usd == 3000
