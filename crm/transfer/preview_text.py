"""A preview as lines of text, for the command line."""

from crm.transfer.imports import DUPLICATE, ERROR, UPDATE


def row_line(row):
    line = f"row {row.number}: {row.status} {row.label}".rstrip()
    if row.status == UPDATE:
        line += f" (changes {', '.join(row.changes)})"
    if row.status == DUPLICATE:
        line += f" (duplicate of {row.duplicate_of})"
    if row.status == ERROR:
        line += ": " + "; ".join(
            f"{column}: {message}" if column else message
            for column, message in row.errors
        )
    return line


def preview_lines(preview, only_problems=False):
    counts = preview.counts
    if not only_problems:
        yield ", ".join(f"{count} {status}" for status, count in counts.items())
    for row in preview.rows:
        if row.status in (UPDATE, DUPLICATE, ERROR) or (
            not only_problems and len(preview.rows) <= 200
        ):
            yield row_line(row)
