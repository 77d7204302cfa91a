"""Writing generated rows: COPY on PostgreSQL, batched inserts on SQLite.

Rows arrive as tuples from generators and go straight to the database, so
memory stays flat whatever the size. The database checks every row: primary
keys, unique and check constraints as each row lands; foreign keys at commit
on SQLite, and on PostgreSQL when they are re-created after the load, with
the secondary indexes (`indexes_deferred`).

History: each generated record gets the one "created" entry the services
would have written, copied inside the database from the rows just written
(INSERT ... SELECT), many-to-many sets included. Its date is the record's
`created_at`, no user, and the reason "Generated".
"""

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection
from simple_history.models import HistoricalRecords

HISTORY_REASON = "Generated"
SQLITE_BATCH = 5_000


def quote(name):
    return connection.ops.quote_name(name)


@dataclass
class TableReport:
    table: str
    # None for steps that write no rows of their own (index builds).
    rows: int | None = 0
    seconds: float = 0.0


@dataclass
class Written:
    """What a run wrote, table by table, and the id ranges of its records."""

    tables: list = field(default_factory=list)
    # model label -> (first id, last id) of the rows generated
    id_ranges: dict = field(default_factory=dict)

    def timed(self, table, rows=0):
        report = TableReport(table, rows)
        self.tables.append(report)
        return report


def columns_of(model, fields):
    """The columns of `fields` (attribute names), checked against the model.

    A field added to the model and not generated fails here, loudly, rather
    than landing as NULL or a default no service would have chosen.
    """
    attnames = {field.attname: field.column for field in model._meta.concrete_fields}
    if set(fields) != set(attnames):
        raise RuntimeError(
            f"{model._meta.label}: generated fields {sorted(fields)} do not match "
            f"the model's {sorted(attnames)}."
        )
    return [attnames[name] for name in fields]


def write(model, fields, rows, written: Written):
    """Stream `rows` (tuples in the order of `fields`) into `model`'s table."""
    table = model._meta.db_table
    columns = columns_of(model, fields)
    report = written.timed(table)
    started = time.perf_counter()
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        count, first, last = _copy(table, columns, rows)
    else:
        count, first, last = _insert(fields, model, table, columns, rows)
    report.rows = count
    report.seconds = time.perf_counter() - started
    if count:
        written.id_ranges[model._meta.label] = (first, last)
    return count


def _tracking(rows):
    """`rows`, noting the first and last id (each row's first value) as they pass."""
    state = {"count": 0, "first": None, "last": None}

    def each():
        for row in rows:
            if state["first"] is None:
                state["first"] = row[0]
            state["last"] = row[0]
            state["count"] += 1
            yield row

    return each(), state


def _copy(table, columns, rows):
    """COPY in binary: the server parses no text, psycopg packs the values in C."""
    rows, state = _tracking(rows)
    sql = (
        f"COPY {quote(table)} ({', '.join(map(quote, columns))}) "
        "FROM STDIN (FORMAT BINARY)"
    )
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [quote(table)],
        )
        types = dict(cursor.fetchall())
        with cursor.copy(sql) as copy:
            copy.set_types([types[column] for column in columns])
            for row in rows:
                copy.write_row(row)
    return state["count"], state["first"], state["last"]


def _sqlite_adapters(model, fields):
    """(position, function) pairs giving values the form Django stores on SQLite."""
    by_attname = {field_.attname: field_ for field_ in model._meta.concrete_fields}
    adapters = []
    for position, name in enumerate(fields):
        field_ = by_attname[name]
        kind = field_.get_internal_type()
        if kind == "DateTimeField":
            # Naive UTC text (USE_TZ), as Django writes it.
            adapters.append(
                (position, lambda value: value and value.replace(tzinfo=None))
            )
        elif kind == "JSONField":
            adapters.append(
                (
                    position,
                    lambda value, encoder=field_.encoder: json.dumps(
                        value, cls=encoder
                    ),
                )
            )
    return adapters


def _insert(fields, model, table, columns, rows):
    """Batched executemany on SQLite."""
    rows, state = _tracking(rows)
    adapters = _sqlite_adapters(model, fields)
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    cursor = connection.connection.cursor()
    batch = []
    try:
        for row in rows:
            if adapters:
                row = list(row)
                for position, adapt in adapters:
                    row[position] = adapt(row[position])
            batch.append(row)
            if len(batch) == SQLITE_BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
    finally:
        cursor.close()
    return state["count"], state["first"], state["last"]


def write_history(model, written: Written):
    """The "created" history entry of each generated `model` record, and its sets."""
    id_range = written.id_ranges.get(model._meta.label)
    if id_range is None:
        return
    first, last = id_range
    history = model.history.model
    tracked = [field_.column for field_ in history.tracked_fields]
    offset = _history_offset(history, first)
    columns = [*tracked, "history_id", "history_date", "history_change_reason"]
    columns += ["history_type", "history_user_id"]
    report = written.timed(history._meta.db_table)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} "
            f"({', '.join(map(quote, columns))}) "
            f"SELECT {', '.join(map(quote, tracked))}, {quote('id')} + %s, "
            f"{quote('created_at')}, %s, '+', NULL "
            f"FROM {quote(model._meta.db_table)} WHERE {quote('id')} BETWEEN %s AND %s "
            f"ORDER BY {quote('id')}",
            [offset, HISTORY_REASON, first, last],
        )
        report.rows = cursor.rowcount
    report.seconds = time.perf_counter() - started
    for field_ in history._history_m2m_fields:
        _write_m2m_history(model, field_, first, last, offset, written)


def _history_offset(history, first_id):
    """What to add to a record's id to get its entry's history_id.

    Entries take ids after every existing one, in the order of their records.
    """
    return _highest(history._meta.db_table, "history_id") + 1 - first_id


def _highest(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
        return cursor.fetchone()[0] or 0


def _write_m2m_history(model, field_, first, last, offset, written):
    """Each record's set as the entry saw it: a copy of its through rows."""
    m2m_history = HistoricalRecords.m2m_models[field_]
    through = field_.remote_field.through
    owner = next(
        f
        for f in through._meta.concrete_fields
        if f.is_relation and f.related_model is model
    )
    copied = [f.column for f in through._meta.concrete_fields]
    table = m2m_history._meta.db_table
    # Explicit ids (not the sequence's next ones), so the same seed gives the
    # same rows even where the sequence has moved on.
    highest = _highest(table, m2m_history._meta.pk.column)
    report = written.timed(table)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(map(quote, copied))}, "
            f"{quote('history_id')}, {quote(m2m_history._meta.pk.column)}) "
            f"SELECT {', '.join(map(quote, copied))}, {quote(owner.column)} + %s, "
            f"%s + ROW_NUMBER() OVER (ORDER BY {quote('id')}) "
            f"FROM {quote(through._meta.db_table)} "
            f"WHERE {quote(owner.column)} BETWEEN %s AND %s ORDER BY {quote('id')}",
            [offset, highest, first, last],
        )
        report.rows = cursor.rowcount
    report.seconds = time.perf_counter() - started


def first_free_id(model):
    """The first id after every row of `model`'s table and of its history.

    A deleted record's id lives on in its history; a new record must not
    take it, or it would inherit that history.
    """
    highest = 0
    tables = [(model._meta.db_table, model._meta.pk.column)]
    if hasattr(model, "history"):
        tables.append((model.history.model._meta.db_table, "id"))
    with connection.cursor() as cursor:
        for table, column in tables:
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
            highest = max(highest, cursor.fetchone()[0] or 0)
    return highest + 1


def reset_sequences(models):
    """Point PostgreSQL's id sequences past the ids written explicitly.

    SQLite's AUTOINCREMENT follows explicit ids by itself.
    """
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def flush(models):
    """Empty `models`' tables and restart their ids (TRUNCATE on PostgreSQL)."""
    tables = [model._meta.db_table for model in models]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def has_rows(models):
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"SELECT 1 FROM {quote(model._meta.db_table)} LIMIT 1")
            if cursor.fetchone():
                return True
    return False


def prepare_transaction():
    """PostgreSQL: lift the request statement timeout, settle pending checks.

    Copying a million rows takes longer than any web request may. Foreign-key
    checks still waiting from earlier in the transaction are run now, as
    TRUNCATE and ALTER TABLE refuse tables with checks pending; later ones
    are deferred to the commit as usual.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def indexes_deferred(models, written: Written):
    """On PostgreSQL, build secondary indexes and check foreign keys after the load.

    Inside the transaction, the plain (non-unique) indexes and the foreign
    keys of `models`' tables are dropped, then re-created from their exact
    definitions once the rows are in: building an index from all its rows
    and checking a foreign key with one join are many times faster than
    doing both row by row (measured at full scale, 7.6M rows with history:
    40k rows/s with them in place, 117k with this). Primary keys, unique
    and check constraints stay in place throughout. Re-adding a foreign key checks
    every row, so nothing invalid commits; DDL is transactional, so a
    failure anywhere leaves the schema as it was. Other sessions wait for
    these tables until the load commits.
    """
    if connection.vendor != "postgresql":
        yield
        return
    names = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s)
              AND t.relnamespace = to_regnamespace(current_schema())
              AND NOT x.indisunique AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
            ORDER BY t.relname, i.relname
            """,
            [names],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = ANY(%s)
              AND t.relnamespace = to_regnamespace(current_schema())
              AND c.contype = 'f'
            ORDER BY t.relname, c.conname
            """,
            [names],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        report = written.timed(f"({len(indexes)} indexes rebuilt)", rows=None)
        started = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        report.seconds = time.perf_counter() - started
        report = written.timed(f"({len(foreign_keys)} foreign keys checked)", rows=None)
        started = time.perf_counter()
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            )
        report.seconds = time.perf_counter() - started
