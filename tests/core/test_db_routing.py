"""The read replica: reads go to it; writes, and what must see them, to the primary.

Two real connections: tests/conftest.py configures the alias "replica" as a
test mirror of default, so it is a second connection to the same test
database, and each test installs crm.core.db_routers.ReplicaRouter. Where a
query ran is read from each connection's own query log. The tests are
transactional: in a test wrapped in a transaction every read would go to the
primary (reads inside `transaction.atomic` do), and the replica's connection
would not see the rows the test made.
"""

import re
import runpy
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import config.settings
from crm.accounts.models import ApiToken
from crm.core.db_routers import replica_reads
from crm.investors.models import Contact, Investor
from tests.factories import InvestorFactory

# Serialized rollback puts back what the migrations created (groups,
# permissions) for the transactional tests after these.
both_databases = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica"]
)

# What an API request reads for authentication, always from the primary: the
# token with its user, then the user's and its groups' permissions.
AUTHENTICATION_TABLES = {"accounts_apitoken", "auth_permission"}


@pytest.fixture
def replica_router(settings):
    settings.DATABASE_ROUTERS = ["crm.core.db_routers.ReplicaRouter"]


@contextmanager
def queries_by_database():
    """The queries run on each alias within the block, as {"default": [...], ...}."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        captured = {}
        yield captured
    captured["default"] = [query["sql"] for query in primary.captured_queries]
    captured["replica"] = [query["sql"] for query in replica.captured_queries]


def table(sql):
    """The table a query reads or writes: its FROM, INTO or UPDATE outside brackets."""
    depth = 0
    for match in re.finditer(r'[()]|(?:FROM|INTO|UPDATE) "(\w+)"', sql):
        if match[0] in "()":
            depth += 1 if match[0] == "(" else -1
        elif depth == 0:
            return match[1]
    return None


def tables(queries):
    """The table of each query; transaction control (BEGIN, SAVEPOINT...) left out."""
    return [table(sql) for sql in queries if table(sql)]


def is_write(sql):
    return sql.startswith(("INSERT", "UPDATE", "DELETE"))


def writes(queries):
    return [sql for sql in queries if is_write(sql)]


def after_first_write(queries):
    first = next(n for n, sql in enumerate(queries) if is_write(sql))
    return queries[first + 1 :]


# Routing itself, in the scope each request gets (ReplicaReadsMiddleware).


@both_databases
def test_a_read_goes_to_the_replica(replica_router):
    InvestorFactory(name="Alibaba Group")

    with replica_reads(), queries_by_database() as queries:
        names = list(Investor.objects.values_list("name", flat=True))

    assert names == ["Alibaba Group"]
    assert tables(queries["replica"]) == ["investors_investor"]
    assert queries["default"] == []


@both_databases
def test_a_write_goes_to_the_primary(replica_router):
    investor = InvestorFactory(name="Alibaba Group", city="Beijing")

    with replica_reads(), queries_by_database() as queries:
        Investor.objects.filter(pk=investor.pk).update(city="Hangzhou")

    investor.refresh_from_db()
    assert investor.city == "Hangzhou"
    assert tables(queries["default"]) == ["investors_investor"]
    assert writes(queries["default"]) == queries["default"]
    assert queries["replica"] == []


@both_databases
def test_after_a_write_every_read_of_the_same_scope_goes_to_the_primary(
    replica_router,
):
    investor = InvestorFactory(name="Alibaba Group", city="Beijing")

    with replica_reads():
        with queries_by_database() as before:
            Investor.objects.get(pk=investor.pk)
        Investor.objects.filter(pk=investor.pk).update(city="Hangzhou")
        with queries_by_database() as after:
            city = Investor.objects.get(pk=investor.pk).city
            Investor.objects.count()

    assert tables(before["replica"]) == ["investors_investor"]
    assert city == "Hangzhou"
    assert tables(after["default"]) == ["investors_investor", "investors_investor"]
    assert after["replica"] == []


@both_databases
def test_the_next_scope_reads_from_the_replica_again(replica_router):
    InvestorFactory()
    with replica_reads():
        Investor.objects.update(city="Hangzhou")

    with replica_reads(), queries_by_database() as queries:
        Investor.objects.count()

    assert tables(queries["replica"]) == ["investors_investor"]
    assert queries["default"] == []


@both_databases
def test_reads_inside_a_transaction_go_to_the_primary(replica_router):
    investor = InvestorFactory()

    with replica_reads(), queries_by_database() as queries:
        with transaction.atomic():
            Investor.objects.get(pk=investor.pk)
        # The transaction only read: later reads may use the replica again.
        Investor.objects.count()

    assert tables(queries["default"]) == ["investors_investor"]
    assert tables(queries["replica"]) == ["investors_investor"]


@both_databases
def test_a_row_lock_is_taken_on_the_primary_and_what_follows_reads_there(
    replica_router,
):
    investor = InvestorFactory()

    with replica_reads(), queries_by_database() as queries:
        with transaction.atomic():
            Investor.objects.select_for_update().get(pk=investor.pk)
        Investor.objects.count()

    assert tables(queries["default"]) == ["investors_investor", "investors_investor"]
    assert queries["replica"] == []


@both_databases
def test_who_may_do_what_is_always_read_from_the_primary(replica_router, user):
    # A login, a revoked token or a lockout takes effect at once.
    with replica_reads(), queries_by_database() as queries:
        get_user_model().objects.get(pk=user.pk)
        ApiToken.objects.count()

    assert tables(queries["default"]) == ["auth_user", "accounts_apitoken"]
    assert queries["replica"] == []


@both_databases
def test_outside_a_request_reads_go_to_the_primary(replica_router):
    # Management commands, the shell and scripts often read what they wrote.
    InvestorFactory()

    with queries_by_database() as queries:
        Investor.objects.count()

    assert tables(queries["default"]) == ["investors_investor"]
    assert queries["replica"] == []


@both_databases
def test_objects_read_from_the_replica_and_the_primary_may_be_related(
    replica_router,
):
    InvestorFactory(name="Alibaba Group")
    with replica_reads():
        investor = Investor.objects.get()
    assert investor._state.db == "replica"

    contact = Contact(first_name="Joe", last_name="Tsai")
    contact.investor = investor
    contact.save()

    assert contact._state.db == "default"
    assert Contact.objects.get().investor == investor


# Requests: the middleware opens a fresh scope for each.


@both_databases
def test_an_api_read_runs_on_the_replica(replica_router, api):
    InvestorFactory.create_batch(2)

    with queries_by_database() as queries:
        response = api.get("/api/v1/investors/")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert set(tables(queries["default"])) == AUTHENTICATION_TABLES
    assert "investors_investor" in tables(queries["replica"])
    assert writes(queries["replica"]) == []


@both_databases
def test_an_api_patch_and_the_reread_of_its_response_use_the_primary(
    replica_router, api
):
    investor = InvestorFactory(name="Alibaba Group", city="Beijing")

    with queries_by_database() as queries:
        response = api.patch(f"/api/v1/investors/{investor.pk}/", {"city": "Hangzhou"})

    assert response.status_code == 200
    assert response.json()["city"] == "Hangzhou"
    assert "investors_investor" in tables(after_first_write(queries["default"]))
    assert queries["replica"] == []


@both_databases
def test_an_api_create_reads_the_new_record_back_from_the_primary(replica_router, api):
    with queries_by_database() as queries:
        response = api.post(
            "/api/v1/investors/",
            {"name": "Alibaba Group", "kind": "strategic", "country": "CN"},
        )

    assert response.status_code == 201
    assert response.json()["name"] == "Alibaba Group"
    assert queries["replica"] == []


@both_databases
def test_a_request_that_writes_reads_from_the_primary_from_then_on(replica_router, api):
    InvestorFactory.create_batch(2)
    # Last used over a minute ago: authentication first records this use.
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=5))

    with queries_by_database() as queries:
        response = api.get("/api/v1/investors/")

    assert response.status_code == 200
    assert writes(queries["default"])[0].startswith('UPDATE "accounts_apitoken"')
    assert "investors_investor" in tables(after_first_write(queries["default"]))
    assert queries["replica"] == []


@both_databases
def test_the_request_after_a_write_reads_from_the_replica_again(replica_router, api):
    investor = InvestorFactory(city="Beijing")
    api.patch(f"/api/v1/investors/{investor.pk}/", {"city": "Hangzhou"})

    with queries_by_database() as queries:
        response = api.get(f"/api/v1/investors/{investor.pk}/")

    # The replica shares the primary's test database: it has the change.
    assert response.json()["city"] == "Hangzhou"
    assert "investors_investor" in tables(queries["replica"])
    assert set(tables(queries["default"])) == AUTHENTICATION_TABLES


# Migrations.


def test_migrations_are_allowed_on_the_primary_only(replica_router):
    assert router.allow_migrate("default", "investors", model_name="investor")
    assert not router.allow_migrate("replica", "investors", model_name="investor")


@both_databases
def test_a_migration_run_against_the_replica_changes_nothing(replica_router):
    on_primary, on_replica = StringIO(), StringIO()

    call_command("sqlmigrate", "investors", "0001", stdout=on_primary)
    call_command(
        "sqlmigrate", "investors", "0001", database="replica", stdout=on_replica
    )

    assert "CREATE TABLE" in on_primary.getvalue()
    assert "CREATE TABLE" not in on_replica.getvalue()
    assert "-- (no-op)" in on_replica.getvalue()


# Settings.


def settings_with(monkeypatch, **environment):
    """config/settings.py as it reads `environment` (the running settings untouched)."""
    for name in ["DATABASE_REPLICA_URL", "DATABASE_DISABLE_SERVER_SIDE_CURSORS"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(config.settings.__file__)


def test_a_replica_url_adds_a_replica_with_the_primarys_options_and_the_router(
    monkeypatch,
):
    configured = settings_with(
        monkeypatch,
        DATABASE_URL="postgres://crm@primary.internal:5432/crm",
        DATABASE_REPLICA_URL="postgres://crm_reader@replica.internal:5432/crm",
        DATABASE_CONN_MAX_AGE="30",
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_STATEMENT_TIMEOUT_MS="5000",
        DATABASE_DISABLE_SERVER_SIDE_CURSORS="1",
    )

    replica = configured["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.internal"
    assert replica["USER"] == "crm_reader"
    for database in configured["DATABASES"].values():
        assert database["ENGINE"] == "django.db.backends.postgresql"
        assert database["CONN_MAX_AGE"] == 30
        assert database["CONN_HEALTH_CHECKS"] is True
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert database["OPTIONS"] == {
            "connect_timeout": 2,
            "options": "-c statement_timeout=5000 -c jit=off",
        }
    assert replica["TEST"] == {"MIRROR": "default"}
    assert configured["DATABASE_ROUTERS"] == ["crm.core.db_routers.ReplicaRouter"]


def test_without_a_replica_url_there_is_one_database_and_no_router(monkeypatch):
    configured = settings_with(
        monkeypatch, DATABASE_URL="postgres://crm@primary.internal:5432/crm"
    )

    assert list(configured["DATABASES"]) == ["default"]
    assert configured["DATABASES"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "DATABASE_ROUTERS" not in configured


def test_a_replica_of_another_kind_of_database_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL"):
        settings_with(
            monkeypatch,
            DATABASE_URL="postgres://crm@primary.internal:5432/crm",
            DATABASE_REPLICA_URL="sqlite:////tmp/replica.sqlite3",
        )
