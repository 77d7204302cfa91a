"""Back up and restore the database with its own standard tools.

PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore` into an empty
database. SQLite: the online backup API, which copies a consistent snapshot
while the application keeps running.
"""

import os
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path

from django.db.backends.postgresql.client import DatabaseClient


class BackupError(Exception):
    pass


def database_backup(*, connection, path: Path, overwrite: bool = False) -> None:
    """Write a backup of `connection`'s database to `path`, readable by its owner only.

    An existing file is kept unless `overwrite`: a mistyped name must not
    replace last night's backup. The backup is written beside `path` under a
    temporary name and moved into place once complete, so a failed backup
    leaves no half-written file and an overwritten one stays whole until then.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists; pass --force to overwrite it.")
    # mkstemp creates the file readable and writable by its owner only (0600),
    # whatever the umask: a backup holds every record and password hash.
    handle, partial_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    os.close(handle)
    partial = Path(partial_name)
    try:
        _write_backup(connection, partial)
        if overwrite:
            partial.replace(path)
        else:
            # A link fails if the name was taken meanwhile, where a rename
            # would silently replace it.
            os.link(partial, path)
    except FileExistsError:
        raise BackupError(f"{path} exists; pass --force to overwrite it.") from None
    finally:
        partial.unlink(missing_ok=True)


def _write_backup(connection, path: Path) -> None:
    if connection.vendor == "postgresql":
        _run_postgres_tool(
            "pg_dump",
            connection.settings_dict,
            "--format=custom",
            f"--file={path}",
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
    else:
        raise BackupError(f"No backup procedure for {connection.vendor}.")


def database_restore(*, connection, path: Path) -> None:
    """Restore the backup at `path` into `connection`'s database, which must be empty."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty "
            f"({len(tables)} tables): restore into a new, empty database."
        )
    if connection.vendor == "postgresql":
        _run_postgres_tool(
            "pg_restore",
            connection.settings_dict,
            "--clean",
            "--if-exists",
            "--no-owner",
            # All or nothing: a failed restore leaves the database empty.
            "--single-transaction",
            str(path),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            source_uri = f"{path.resolve().as_uri()}?mode=ro"
            with closing(sqlite3.connect(source_uri, uri=True)) as source:
                source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not an SQLite backup: {error}.") from error
    else:
        raise BackupError(f"No restore procedure for {connection.vendor}.")


def _run_postgres_tool(program, settings_dict, *arguments):
    # Django's psql client knows how settings become libpq's environment
    # (password, service, TLS files); the user, host, port and name are flags.
    _, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    command = [program, "--no-password"]
    for flag, key in [
        ("--username", "USER"),
        ("--host", "HOST"),
        ("--port", "PORT"),
        ("--dbname", "NAME"),
    ]:
        if settings_dict.get(key):
            command.append(f"{flag}={settings_dict[key]}")
    command += arguments
    try:
        result = subprocess.run(
            command,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{program} is not installed (PostgreSQL's client tools)."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
