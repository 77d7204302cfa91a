import pytest
from django.core.management import CommandError, call_command

from crm.investors.models import Investor
from crm.transfer.models import ImportBatch
from tests.transfer.conftest import csv_file, xlsx_file

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_records", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_preview_and_writes_nothing(tmp_path):
    path = tmp_path / "investors.csv"
    path.write_bytes(csv_file([["name", "country"], ["HOPU Capital", "CN"]]))

    output = run("investors", str(path), "--dry-run")

    assert output.splitlines() == [
        "1 new, 0 update, 0 unchanged, 0 duplicate, 0 error",
        "row 2: new HOPU Capital",
    ]
    assert not Investor.objects.exists()


def test_an_import_from_xlsx_writes_the_rows_as_one_batch(tmp_path, deal_team_user):
    path = tmp_path / "investors.xlsx"
    path.write_bytes(xlsx_file([["name", "country"], ["HOPU Capital", "CN"]]))

    output = run("investors", str(path), "--user", "deal")

    batch = ImportBatch.objects.get()
    assert output.splitlines()[-1] == (
        f"Imported as batch #{batch.pk}: 1 created, 0 updated, 0 skipped."
    )
    assert batch.created_by == deal_team_user
    assert Investor.objects.get().country == "CN"


def test_rows_in_error_stop_the_import(tmp_path):
    path = tmp_path / "investors.csv"
    path.write_bytes(csv_file([["name", "country"], ["A", "CN"], ["B", "Nowhere"]]))

    with pytest.raises(CommandError, match="nothing was imported"):
        run("investors", str(path))

    assert not Investor.objects.exists()


def test_a_bad_file_is_a_command_error(tmp_path):
    path = tmp_path / "investors.csv"
    path.write_bytes(b"")

    with pytest.raises(CommandError, match="The file is empty"):
        run("investors", str(path))
