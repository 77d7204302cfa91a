"""Back up the configured database to a file (pg_dump, or SQLite's backup API)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from crm.core.backup import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Back up the database to FILE: `pg_dump --format=custom` on PostgreSQL, "
        "the online backup API on SQLite. Safe while the app is running. The "
        "file is readable by its owner only; an existing one is kept unless "
        "--force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias to back up (default: %(default)s).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Overwrite FILE if it exists."
        )

    def handle(self, *args, file, database, force, **options):
        try:
            database_backup(
                connection=connections[database], path=file, overwrite=force
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {connections[database].settings_dict['NAME']} to {file}."
        )
