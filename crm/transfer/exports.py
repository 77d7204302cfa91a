"""Lists written out as CSV or XLSX, streamed with flat memory.

Rows are read with `iterator(chunk_size=...)` (a server-side cursor on
PostgreSQL) and written as they come: a CSV goes to the client row by row;
an XLSX is written by openpyxl's write-only workbook to a temporary file
(XLSX is a zip whose directory comes last, so it cannot be sent before it is
finished) and then sent from there. Either way memory holds one chunk.
"""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from crm.transfer.columns import plain, with_relations

CHUNK_SIZE = 2000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# OWASP "CSV injection": a spreadsheet runs a cell starting with one of these
# as a formula. A leading apostrophe makes it text in Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel opens a CSV as UTF-8 (Chinese names intact) only after this mark.
UTF8_BOM = "\ufeff"


def neutralise(value):
    """Text a spreadsheet would run as a formula, made inert; other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def rows(queryset, columns):
    """The header, then each record's cells, made plain and inert."""
    yield [column.name for column in columns]
    for record in with_relations(queryset, columns).iterator(chunk_size=CHUNK_SIZE):
        yield [neutralise(plain(column.read(record))) for column in columns]
        # A prefetched set's queryset points back at its record: a cycle that
        # only the garbage collector frees, rows later. Broken here, memory
        # stays at one chunk however long the list.
        record.__dict__.pop("_prefetched_objects_cache", None)


class _Line:
    """csv.writer's file: hands back each written line instead of storing it."""

    def write(self, text):
        return text


def csv_lines(table):
    writer = csv.writer(_Line())
    yield UTF8_BOM
    for row in table:
        yield writer.writerow(row)


def write_xlsx(table, file, title="Export"):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in table:
        # Control characters are not allowed in XLSX text.
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell
                for cell in row
            ]
        )
    workbook.save(file)


def file_name(model, fmt):
    plural = str(model._meta.verbose_name_plural).replace(" ", "-")
    return f"{plural}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def export_response(queryset, columns, fmt):
    """The rows of `queryset` (filtered, ordered, walled by the caller) as a download."""
    name = file_name(queryset.model, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(rows(queryset, columns)), content_type=FORMATS["csv"]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    # FileResponse closes it once sent; the file system then frees it.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(
        rows(queryset, columns), file, str(queryset.model._meta.verbose_name_plural)
    )
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=name, content_type=FORMATS["xlsx"]
    )
