"""Restore a backup of backup_database into the configured, empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from crm.core.backup import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restore FILE (made by backup_database) into the database, which must "
        "be empty: `pg_restore --clean --if-exists --no-owner` on PostgreSQL, "
        "the backup API on SQLite. Run `migrate` afterwards if the code is newer."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias to restore into (default: %(default)s).",
        )

    def handle(self, *args, file, database, **options):
        try:
            database_restore(connection=connections[database], path=file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {file} into {connections[database].settings_dict['NAME']}."
        )
