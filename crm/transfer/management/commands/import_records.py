"""manage.py import_records RESOURCE FILE [--dry-run]: preview, then import in one transaction."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from crm.transfer.files import ImportFileError
from crm.transfer.imports import (
    ERROR,
    ImportRefused,
    import_file,
    preview_file,
    start_batch,
)
from crm.transfer.preview_text import preview_lines
from crm.transfer.resources import IMPORT_RESOURCES


class Command(BaseCommand):
    help = (
        "Import records from a CSV or XLSX file, columns named as the API's "
        "fields. Prints the preview; writes every row or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=sorted(IMPORT_RESOURCES))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Preview only; write nothing."
        )
        parser.add_argument(
            "--user",
            help="Username recorded as the importer (and as who logged "
            "interactions); required for interactions.",
        )
        parser.add_argument(
            "--skip-errors",
            action="store_true",
            help="Import the valid rows and leave out the rows in error.",
        )

    def handle(self, *args, resource, file, dry_run, user, skip_errors, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user {user}.")
        elif resource == "interactions":
            raise CommandError("Say who logged the interactions: --user USERNAME.")
        data = path.read_bytes()
        try:
            preview = preview_file(resource, path.name, data, importer)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for line in preview_lines(preview):
            self.stdout.write(line)
        if dry_run:
            return
        if preview.counts[ERROR] and not skip_errors:
            raise CommandError("Rows have errors: nothing was imported.")
        batch = start_batch(resource, path.name, data, importer)
        try:
            import_file(batch, importer, skip_errors=skip_errors)
        except ImportRefused as refused:
            for line in preview_lines(refused.preview, only_problems=True):
                self.stdout.write(line)
            raise CommandError("Nothing was imported.") from None
        self.stdout.write(
            f"Imported as batch #{batch.pk}: {batch.rows_created} created, "
            f"{batch.rows_updated} updated, {batch.rows_skipped} skipped."
        )
