"""Back up, restore into an empty database, and find every row again.

The backup is real: pg_dump / pg_restore on PostgreSQL, the online backup API
on SQLite. Transactional, so pg_dump sees the committed rows; the serialized
rollback puts back what the migrations created (groups, permissions).
"""

import datetime
import secrets
import stat

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from crm.core.models import Team
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    ExchangeRateFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
    UserFactory,
)

CRM_APPS = ["core", "investors", "portfolio", "notes"]
RESTORED = "restored"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def empty_database(tmp_path):
    """An empty database beside the test database, as connections["restored"]."""
    if connection.vendor == "postgresql":
        name = f"test_crm_restore_{secrets.token_hex(4)}"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    else:
        name = str(tmp_path / "restored.sqlite3")
    settings_dict = {**connection.settings_dict, "NAME": name}
    # Left out of DATABASES on purpose: the test runner lets a test use a
    # connection it does not manage (and creates no test database for it).
    backend = load_backend(settings_dict["ENGINE"])
    connections[RESTORED] = backend.DatabaseWrapper(settings_dict, RESTORED)
    try:
        yield connections[RESTORED]
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]
        if connection.vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")


def crm_rows():
    """A few rows in every CRM table, each relation filled in."""
    ai = SectorFactory(name="Artificial intelligence", slug="artificial-intelligence")
    vision = SectorFactory(name="Computer vision", slug="computer-vision", parent=ai)
    ExchangeRateFactory(currency="CNY", valid_from=datetime.date(2018, 1, 1))
    dealmaker = UserFactory(username="dealmaker")
    team = Team.objects.create(name="SenseTime deal team")
    team.members.add(dealmaker)
    alibaba = InvestorFactory(name="Alibaba Group", country="CN", sectors=[ai, vision])
    softbank = InvestorFactory(name="SoftBank Vision Fund", country="JP", sectors=[ai])
    jack, joe = ContactFactory(investor=alibaba), ContactFactory(investor=alibaba)
    sensetime = CompanyFactory(name="SenseTime", sector=vision, aliases=["商汤科技"])
    series_c = FundingRoundFactory(company=sensetime, name="Series C")
    series_c.teams.add(team)
    StakeFactory(investor=alibaba, company=sensetime, round=series_c)
    StakeFactory(investor=softbank, company=sensetime, currency="CNY")
    InteractionFactory(investor=alibaba, contacts=[jack, joe], logged_by=dealmaker)
    DealNoteFactory(investor=softbank, company=sensetime, author=dealmaker)


def table_rows(db):
    """Every table's rows, ordered by primary key."""
    quote = db.ops.quote_name
    rows = {}
    with db.cursor() as cursor:
        for table in db.introspection.table_names(cursor):
            primary_key = db.introspection.get_primary_key_column(cursor, table)
            cursor.execute(
                f"SELECT * FROM {quote(table)} ORDER BY {quote(primary_key)}"
            )
            rows[table] = cursor.fetchall()
    return rows


def sequences(db):
    """Where each id counter stands, so restored tables hand out new ids."""
    query = {
        "postgresql": "SELECT sequencename, last_value FROM pg_sequences",
        "sqlite": "SELECT name, seq FROM sqlite_sequence",
    }[db.vendor]
    with db.cursor() as cursor:
        cursor.execute(f"{query} ORDER BY 1")
        return cursor.fetchall()


def crm_tables():
    return {
        model._meta.db_table
        for label in CRM_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def test_a_restored_backup_has_every_row_of_every_table(tmp_path, empty_database):
    crm_rows()
    backup = tmp_path / "crm.backup"
    before = table_rows(connection)
    assert [table for table in crm_tables() if not before[table]] == []

    call_command("backup_database", backup, verbosity=0)
    call_command("restore_database", backup, database=RESTORED, verbosity=0)

    assert table_rows(empty_database) == before
    assert sequences(empty_database) == sequences(connection)


def test_a_backup_is_not_restored_over_a_database_with_tables(tmp_path):
    backup = tmp_path / "crm.backup"
    call_command("backup_database", backup, verbosity=0)

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore_database", backup, verbosity=0)


def test_restoring_a_missing_backup_names_the_file(tmp_path, empty_database):
    with pytest.raises(CommandError, match=r"No backup file at .*missing\.backup"):
        call_command("restore_database", tmp_path / "missing.backup", database=RESTORED)


def test_a_backup_is_readable_by_its_owner_only(tmp_path):
    backup = tmp_path / "crm.backup"

    call_command("backup_database", backup, verbosity=0)

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["crm.backup"]


def test_a_backup_does_not_overwrite_an_existing_file(tmp_path):
    backup = tmp_path / "crm.backup"
    backup.write_text("last night's backup")

    with pytest.raises(CommandError, match=r"crm\.backup exists; pass --force"):
        call_command("backup_database", backup, verbosity=0)

    assert backup.read_text() == "last night's backup"
    assert [path.name for path in tmp_path.iterdir()] == ["crm.backup"]


def test_a_forced_backup_replaces_the_file_and_makes_it_private(tmp_path):
    backup = tmp_path / "crm.backup"
    backup.write_text("last night's backup")
    backup.chmod(0o644)

    call_command("backup_database", backup, force=True, verbosity=0)

    assert backup.read_bytes() != b"last night's backup"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["crm.backup"]
