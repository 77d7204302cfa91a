"""Reading an uploaded table: CSV (UTF-8 with or without BOM, or GBK) or XLSX.

Whatever is wrong with the file itself is an ImportFileError with a message
for the person who uploaded it; nothing here raises anything else.
"""

import csv
import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MAGIC = b"PK\x03\x04"
# Chinese exports from Excel and WPS are GB 2312/GBK; GB 18030 reads both.
ENCODINGS = ("utf-8-sig", "gb18030")


class ImportFileError(Exception):
    """The file cannot be read as a table; the message says why."""


class Formula(str):
    """A cell holding a formula rather than a value (reported per row)."""


def read_table(name, data):
    """(header, rows) of the file: the first row's names, then lists of cells."""
    limit = settings.TRANSFER_MAX_FILE_BYTES
    if len(data) > limit:
        raise ImportFileError(
            f"The file is {len(data) / 1_000_000:.1f} MB; the limit is "
            f"{limit / 1_000_000:.0f} MB. Split it into smaller files."
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(data)
    elif extension in ("xlsx", "xls", "xlsm") or b"\x00" in data[:4096]:
        raise ImportFileError(
            _("This is not a CSV or XLSX file: save it as one of them.")
        )
    elif extension not in ("csv", "txt", ""):
        raise ImportFileError(
            f"A .{extension} file cannot be read: give a CSV or XLSX file."
        )
    else:
        table = _read_csv(data)
    header = next(table, None)
    if header is None or not any(str(cell).strip() for cell in header):
        raise ImportFileError(
            _("The file is empty: the first row should name the columns.")
        )
    return [str(cell).strip() for cell in header], table


def _read_csv(data):
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _("The file's text encoding is not UTF-8 or GBK: save it as CSV UTF-8.")
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    return (_csv_row(row) for row in reader if any(cell.strip() for cell in row))


def _csv_row(row):
    cells = []
    for cell in row:
        if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r"):
            cell = cell[1:]  # as our exports neutralise it (crm.transfer.exports)
        elif cell.startswith("="):
            cell = Formula(cell)
        cells.append(cell)
    return cells


def _read_xlsx(data):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(
            _("This XLSX file cannot be opened: is it damaged?")
        ) from None
    sheet = workbook.worksheets[0]

    def rows():
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                value = cell.value
                if getattr(cell, "data_type", None) == "f":
                    value = Formula(value)
                cells.append("" if value is None else value)
            if any(str(cell).strip() for cell in cells):
                yield cells
        workbook.close()

    return rows()
