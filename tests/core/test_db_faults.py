"""A lost database is a fast 503, not a 500; PostgreSQL connections time out.

An outage is simulated with `connection.execute_wrapper`: every query of the
request fails as it would with the server gone. bench/db_outage.py shows the
same against a real PostgreSQL restart behind gunicorn.
"""

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError, connection

from crm.investors.models import Investor
from tests.admin_pages import changelist_url
from tests.api_pages import detail_of
from tests.factories import InvestorFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL connection options"
)


def failing_with(error):
    def execute(execute, sql, params, many, context):
        raise error("server closed the connection unexpectedly")

    return execute


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_api_request_gets_a_503_with_retry_after_while_the_database_is_down(
    api, error
):
    InvestorFactory()

    with connection.execute_wrapper(failing_with(error)):
        response = api.get("/api/v1/investors/")

    assert response.status_code == 503
    assert detail_of(response) == "The database is unavailable; try again shortly."
    assert response["Retry-After"] == "5"


def test_an_api_write_gets_a_503_while_the_database_is_down(api):
    with connection.execute_wrapper(failing_with(OperationalError)):
        response = api.post(
            "/api/v1/sectors/", {"name": "Robotics", "slug": "robotics"}
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_an_admin_page_is_a_plain_503_page_while_the_database_is_down(
    client, superuser
):
    client.force_login(superuser)

    with connection.execute_wrapper(failing_with(OperationalError)):
        response = client.get(changelist_url(Investor))

    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Retry-After"] == "5"
    assert b"The database is unavailable; try again shortly." in response.content


def test_the_next_request_succeeds_once_the_database_answers_again(api):
    with connection.execute_wrapper(failing_with(OperationalError)):
        assert api.get("/api/v1/investors/").status_code == 503

    assert api.get("/api/v1/investors/").status_code == 200


def test_other_database_errors_are_still_server_errors(api):
    # A bad query is a bug, not an outage: it must not hide behind a 503.
    with (
        connection.execute_wrapper(failing_with(ProgrammingError)),
        pytest.raises(ProgrammingError),
    ):
        api.get("/api/v1/investors/")


@on_postgresql
def test_postgresql_connections_time_out_when_connecting_and_per_statement():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (statement_timeout,) = cursor.fetchone()

    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 3
    assert statement_timeout == "15s"


@on_postgresql
def test_postgresql_connections_do_not_compile_plans_just_in_time():
    # The figure subqueries' cost estimates would trigger JIT compilation
    # that takes longer than running them.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@on_postgresql
def test_a_statement_past_the_timeout_is_cancelled():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(1)")


# A statement stopped by the statement timeout


@pytest.fixture
def slow_investor_queries():
    """A 50 ms statement timeout, and each query on investors sleeping past it."""

    def execute(execute, sql, params, many, context):
        if "investors_investor" in sql:
            execute("SELECT pg_sleep(1)", None, False, context)
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
    try:
        with connection.execute_wrapper(execute):
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


on_postgresql_timeout = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no statement timeout: a slow query there runs to its end",
)

TOO_EXPENSIVE = (
    "The request was too expensive: the database stopped it at its time limit. "
    "Narrow it (filters, a smaller page or the cursor) rather than retrying it."
)


# In autocommit, as in production: in the test's transaction the cancelled
# statement would abort every query after it. A superuser, as a flushed
# database has no groups.
@on_postgresql_timeout
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_api_request_past_the_statement_timeout_is_a_503_saying_it_was_too_expensive(
    admin_api, slow_investor_queries
):
    response = admin_api.get("/api/v1/investors/")

    assert response.status_code == 503
    assert detail_of(response) == TOO_EXPENSIVE
    # Retrying the same request would be stopped again.
    assert "Retry-After" not in response


@on_postgresql_timeout
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_admin_page_past_the_statement_timeout_is_a_plain_503_page(
    client, superuser, slow_investor_queries
):
    client.force_login(superuser)

    response = client.get(changelist_url(Investor))

    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Retry-After" not in response
    assert TOO_EXPENSIVE.encode() in response.content


@on_postgresql_timeout
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_next_request_runs_normally_after_a_statement_timeout(
    admin_api, slow_investor_queries
):
    assert admin_api.get("/api/v1/investors/").status_code == 503

    assert admin_api.get("/api/v1/sectors/").status_code == 200
