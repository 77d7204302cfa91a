import pytest

from bench import transfer
from crm.investors.models import Investor

pytestmark = pytest.mark.django_db


def test_the_benchmark_previews_imports_and_exports_then_rolls_back(capsys):
    transfer.main(["--rows", "20", "--export-rows", "40"])

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("20 rows to import")
    assert lines[2] == (
        "  rows: {'new': 20, 'update': 0, 'unchanged': 0, 'duplicate': 0, 'error': 0}"
    )
    assert lines[4] == "  created 20, skipped 0"
    assert lines[5].startswith("export csv: 40 rows in ")
    assert lines[6].startswith("export xlsx: 40 rows in ")
    assert lines[-1] == "rolled back"
    assert not Investor.objects.exists()
