import csv
import io

import pytest
from openpyxl import Workbook


def csv_file(rows, encoding="utf-8"):
    """A CSV file's bytes, as a spreadsheet program saves it."""
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_file(rows):
    """An XLSX file's bytes; a cell starting with = is stored as a formula."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def importer(deal_team_user):
    return deal_team_user
