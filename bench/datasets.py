"""The benchmark's data sets: made once with `generate_data`, then reused.

Each data set lives in its own PostgreSQL database, which also holds a
one-row marker table, `bench_dataset`: the sizes and seed it was generated
with, a fingerprint of the generator's code, and generate_data's own report
(rows/s, peak memory). A database is reused when its marker matches what is
asked and its four big tables still hold exactly those row counts;
otherwise it is regenerated (`generate_data --flush`), vacuumed and
analysed (autovacuum may be off, and the planner needs statistics).
"""

import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
GENERATOR_SOURCES = [
    BASE_DIR / "crm" / "demo" / "management" / "commands" / "generate_data.py",
    *sorted((BASE_DIR / "crm" / "demo" / "synthetic").glob("*.py")),
]
COUNTED_TABLES = {
    "investors": "investors_investor",
    "companies": "portfolio_company",
    "stakes": "portfolio_stake",
    "interactions": "notes_interaction",
}
MARKER_TABLE = "bench_dataset"
# The round the benchmark adds for its board probe (bench.probes): its
# stakes are the benchmark's, not the generated data set's.
BOARD_ROUND = "Bench board"


@dataclass(frozen=True)
class Sizes:
    investors: int
    companies: int
    stakes: int
    interactions: int

    def scaled(self, percent):
        return Sizes(
            **{name: value * percent // 100 for name, value in asdict(self).items()}
        )

    def label(self):
        return " / ".join(f"{value:,} {name}" for name, value in asdict(self).items())


@dataclass
class Dataset:
    """One database holding one generated data set."""

    database: str
    sizes: Sizes
    seed: int
    server: str  # postgres://user@host:port, without a database name
    # generate_data's last report on this data set (from the marker).
    generated: dict | None = None

    @property
    def url(self):
        return f"{self.server}/{self.database}"

    def conninfo(self):
        return psycopg.conninfo.make_conninfo(self.url)


def generator_fingerprint():
    digest = hashlib.sha256()
    for path in GENERATOR_SOURCES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure(dataset: Dataset, log=print):
    """Create, migrate and (re)generate `dataset`'s database as needed."""
    environment = {
        **os.environ,
        "DATABASE_URL": dataset.url,
        # Index builds and the load outlast any request's time limit.
        "DATABASE_STATEMENT_TIMEOUT_MS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    environment.pop("DATABASE_REPLICA_URL", None)
    manage(environment, "ensure_database")
    migrated = manage(environment, "migrate", "--noinput")
    expected = {
        "sizes": asdict(dataset.sizes),
        "seed": dataset.seed,
        "generator": generator_fingerprint(),
    }
    with psycopg.connect(dataset.url, autocommit=True) as connection:
        marker = read_marker(connection)
        if marker_matches(connection, marker, expected):
            dataset.generated = marker["generated"]
            log(
                f"{dataset.database}: reusing {dataset.sizes.label()} (seed {dataset.seed})"
            )
            if "Applying" in migrated:
                log(f"{dataset.database}: new migrations applied; ANALYZE")
                connection.execute("ANALYZE")
            return
        log(
            f"{dataset.database}: generating {dataset.sizes.label()} "
            f"(seed {dataset.seed}); the marker said {marker and marker['sizes']}"
        )
        connection.execute(
            sql.SQL("DELETE FROM {}").format(sql.Identifier(MARKER_TABLE))
        )
        output = manage(
            environment,
            "generate_data",
            *(f"--{name}={value}" for name, value in asdict(dataset.sizes).items()),
            f"--seed={dataset.seed}",
            "--flush",
            echo=log,
        )
        log(f"{dataset.database}: VACUUM (ANALYZE)")
        connection.execute("VACUUM (ANALYZE)")
        dataset.generated = parse_report(output)
        dataset.generated["on"] = datetime.date.today().isoformat()
        connection.execute(
            sql.SQL(
                "INSERT INTO {} (sizes, seed, generator, generated) VALUES (%s, %s, %s, %s)"
            ).format(sql.Identifier(MARKER_TABLE)),
            [
                json.dumps(expected["sizes"]),
                dataset.seed,
                expected["generator"],
                json.dumps(dataset.generated),
            ],
        )


def read_marker(connection):
    connection.execute(
        sql.SQL(
            """
            CREATE TABLE IF NOT EXISTS {} (
                sizes jsonb NOT NULL,
                seed integer NOT NULL,
                generator text NOT NULL,
                generated jsonb NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """
        ).format(sql.Identifier(MARKER_TABLE))
    )
    row = connection.execute(
        sql.SQL(
            "SELECT sizes, seed, generator, generated, created_at FROM {} "
            "ORDER BY created_at DESC LIMIT 1"
        ).format(sql.Identifier(MARKER_TABLE))
    ).fetchone()
    if row is None:
        return None
    sizes, seed, generator, generated, created_at = row
    return {
        "sizes": sizes,
        "seed": seed,
        "generator": generator,
        "generated": {**generated, "on": created_at.date().isoformat()},
    }


def marker_matches(connection, marker, expected):
    if marker is None or any(marker[key] != value for key, value in expected.items()):
        return False
    # Rows added or deleted since (a test, a hand edit) void the marker.
    for name, table in COUNTED_TABLES.items():
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        params = []
        if name == "stakes":
            query = sql.SQL(
                "SELECT count(*) FROM portfolio_stake WHERE round_id IS NULL "
                "OR round_id NOT IN "
                "(SELECT id FROM portfolio_fundinground WHERE name = %s)"
            )
            params = [BOARD_ROUND]
        if connection.execute(query, params).fetchone()[0] != expected["sizes"][name]:
            return False
    return True


def parse_report(output):
    """generate_data's totals: rows, seconds, rows/s and peak memory."""
    total = re.search(r"^total\s+([\d,]+)\s+([\d.]+)\s+([\d,]+)", output, re.MULTILINE)
    memory = re.search(r"Peak memory: (\d+) MB", output)
    if not total or not memory:
        raise SystemExit(f"Unexpected output of generate_data:\n{output}")
    return {
        "rows": int(total[1].replace(",", "")),
        "seconds": float(total[2]),
        "rows_per_second": int(total[3].replace(",", "")),
        "peak_memory_mb": int(memory[1]),
    }


def manage(environment, *command, echo=None):
    """Run a manage.py command; its output (echoed line by line if asked)."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if echo:
            echo(f"    {line.rstrip()}")
    if process.wait() != 0:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{''.join(lines)}")
    return "".join(lines)
