"""Imports: every row of a file previewed, then all written in one transaction, or none.

A preview reads the file (crm.transfer.files) in chunks of rows, turns each
row's cells into field values (crm.transfer.cells; relations by natural keys,
walls applied), finds the record it updates if any, and validates the result
with the model's own rules (crm.core.constraints.validate_record: `full_clean`
with the CheckConstraints evaluated in Python, the unique names checked for
the chunk at once) without writing. Each row is "new", "update" (with the
fields that change), "unchanged", "duplicate" (of an earlier row of the
file, or of a similar record: crm.transfer.duplicates) or "error" (column
and reason). The lookups are made for a chunk, not per row.

Confirming checks the file again inside a transaction, then saves each new
and updated row: new records of the kinds `record_save` writes in bulk with
their history and changes-feed entries (crm.transfer.writes.create_many),
the others through the resource's save function (the write path shared with
the admin and the API); each history entry is stamped with the batch; any
error rolls everything back. Empty cells and absent columns leave a value as
it is.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crm.portfolio.services import investor_figures_refreshed_once
from crm.transfer import cells
from crm.transfer.duplicates import ExistingNames
from crm.transfer.files import Formula, ImportFileError, read_table
from crm.transfer.models import ImportBatch, ImportedRecord
from crm.transfer.resources import import_resource
from crm.transfer.writes import create_many

NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR = (
    "new",
    "update",
    "unchanged",
    "duplicate",
    "error",
)

WRITTEN = (NEW, UPDATE)
PREVIEW_KEPT_FOR = datetime.timedelta(days=1)
# Rows read, looked up and checked together: a few queries per chunk, not per row.
CHUNK_ROWS = 500


class ImportRefused(Exception):
    """Confirming found rows in error: nothing was written."""

    def __init__(self, preview):
        super().__init__(
            f"{preview.counts[ERROR]} rows have errors; nothing was imported."
        )
        self.preview = preview


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it: the header is row 1
    status: str = NEW
    label: str = ""
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (column, message)
    duplicate_of: str = ""
    instance: object = None
    sets: dict = field(default_factory=dict)

    def error(self, column, message):
        self.errors.append((column, message))
        self.status = ERROR

    def errors_from(self, error):
        for column, messages in error.message_dict.items():
            for message in messages:
                self.error("" if column == "__all__" else column, message)


@dataclass
class Preview:
    resource: str
    columns: list
    rows: list

    @property
    def counts(self):
        counts = dict.fromkeys((NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR), 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts


class Resolver:
    """Related records by the names a spreadsheet gives them, asked once each."""

    def __init__(self, resource, user):
        self.resource, self.user, self.memo = resource, user, {}
        self._existing_names = None

    def existing_names(self):
        """The names of the records a row may duplicate, read once per preview."""
        if self._existing_names is None:
            self._existing_names = ExistingNames(self.resource.model)
        return self._existing_names

    def __call__(self, model_field, name, values):
        model = model_field.related_model
        context = self.resource.lookup_context(model, values)
        key = (model._meta.label_lower, name.casefold(), context)
        if key not in self.memo:
            try:
                self.memo[key] = self._find(model, name, values)
            except ValueError as error:
                self.memo[key] = error
        if isinstance(self.memo[key], ValueError):
            raise self.memo[key]
        return self.memo[key]

    def prefetch(self, columns, rows):
        """Look up, one query per relation, the records a chunk's rows name.

        Only relations whose lookup depends on nothing else in the row (not a
        round, which depends on its company); the others are asked per name.
        """
        model = self.resource.model
        for column in columns:
            model_field = model._meta.get_field(column)
            if not model_field.is_relation:
                continue
            related = model_field.related_model
            if self.resource.lookup_context(related, {}) is not None:
                continue
            label = related._meta.label_lower
            names = set()
            for cells_by_column in rows:
                raw = cells_by_column.get(column, "")
                if isinstance(raw, Formula) or cells.text(raw) == "":
                    continue
                found = (
                    cells.names(raw) if model_field.many_to_many else [cells.text(raw)]
                )
                names.update(
                    name
                    for name in found
                    if (label, name.casefold(), None) not in self.memo
                )
            if names:
                self._find_many(related, label, names)

    def _find_many(self, model, label, names):
        queryset = model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(self.user)
        records = self.resource.lookup_many(model, queryset, names)
        if records is None:
            return  # no bulk lookup for this kind: asked per name
        noun = model._meta.verbose_name
        for name in names:
            found = [
                record
                for record in records
                if self.resource.is_named(model, record, name)
            ][:2]
            key = (label, name.casefold(), None)
            if not found:
                self.memo[key] = ValueError(f"No {noun} “{name}”.")
            elif len(found) > 1:
                self.memo[key] = ValueError(f"“{name}” names more than one {noun}.")
            else:
                self.memo[key] = found[0]

    def _find(self, model, name, values):
        queryset = model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(self.user)
        found = list(self.resource.lookup(model, queryset, name, values)[:2])
        noun = model._meta.verbose_name
        if not found:
            raise ValueError(f"No {noun} “{name}”.")
        if len(found) > 1:
            raise ValueError(f"“{name}” names more than one {noun}.")
        return found[0]


def convert(model_field, raw, values, resolve):
    """A cell's value for `model_field`; ValueError says what is wrong."""
    if model_field.many_to_many:
        return [resolve(model_field, name, values) for name in cells.names(raw)]
    if model_field.many_to_one:
        return resolve(model_field, cells.text(raw), values)
    if isinstance(model_field, CountryField):
        return cells.country(raw)
    if model_field.choices:
        return cells.choice(raw, model_field.choices)
    if isinstance(model_field, models.DecimalField):
        return cells.decimal(raw)
    if isinstance(model_field, models.IntegerField):
        return cells.integer(raw)
    if isinstance(model_field, models.BooleanField):
        return cells.boolean(raw)
    if isinstance(model_field, models.DateTimeField):
        return cells.moment(raw)
    if isinstance(model_field, models.DateField):
        return cells.date(raw)
    if isinstance(model_field, models.JSONField):
        return cells.names(raw)
    return cells.text(raw)


def check_header(resource, header):
    unknown = [name for name in header if name and name not in resource.known_columns]
    if unknown:
        raise ImportFileError(
            f"Unknown columns: {', '.join(unknown)}. The columns are named as the "
            f"API's fields: {', '.join(resource.columns)}."
        )
    missing = [name for name in resource.required if name not in header]
    if missing:
        raise ImportFileError(f"Missing columns: {', '.join(missing)}.")


def preview_file(resource_name, name, data, user, validate=True):
    """Read and check every row of the file; write nothing."""
    rows = [
        row
        for chunk in preview_chunks(resource_name, name, data, user, validate)
        for row in chunk
    ]
    return Preview(resource_name, import_resource(resource_name).columns, rows)


def preview_chunks(resource_name, name, data, user, validate=True, compare=True):
    """The file's rows read and checked, a chunk at a time; writes nothing.

    The records the rows name, update and may duplicate are looked up for a
    chunk at a time, not row by row. A row repeating an earlier row's
    natural key is a duplicate of it. `compare=False` leaves out the search
    for likely duplicates among existing records.
    """
    resource = import_resource(resource_name)
    header, table = read_table(name, data)
    check_header(resource, header)
    resolve = Resolver(resource, user)
    seen, empty = {}, True
    for chunk in _chunks(enumerate(table, start=2)):
        cells_by_row = [
            (number, dict(zip(header, cells_, strict=False)))
            for number, cells_ in chunk
        ]
        rows = preview_chunk(resource, cells_by_row, resolve, user, validate, compare)
        for row in rows:
            if row.status != ERROR and row.status != UNCHANGED:
                key = resource.natural_key(row.instance, row.sets)
                if key is not None and key in seen:
                    row.status, row.duplicate_of = DUPLICATE, f"row {seen[key]}"
                elif key is not None:
                    seen[key] = row.number
        empty = False
        yield rows
    if empty:
        raise ImportFileError(_("The file has a header but no rows."))


def _chunks(numbered_rows):
    chunk = []
    for item in numbered_rows:
        chunk.append(item)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def preview_chunk(resource, cells_by_row, resolve, user, validate, compare=True):
    """The rows of one chunk, read, matched to records and checked."""
    model, columns = resource.model, resource.columns
    resolve.prefetch(columns, [cells_ for _, cells_ in cells_by_row])
    rows, values_by_row = [], []
    for number, cells_by_column in cells_by_row:
        row, values = Row(number), {}
        for name in columns:
            raw = cells_by_column.get(name, "")
            if isinstance(raw, Formula):
                row.error(
                    name, f"A formula ({raw}): put its value in the cell instead."
                )
                continue
            if cells.text(raw) == "":
                continue
            try:
                values[name] = convert(
                    model._meta.get_field(name), raw, values, resolve
                )
            except ValueError as error:
                row.error(name, str(error))
        rows.append(row)
        values_by_row.append((cells.text(cells_by_column.get("id", "")), values))
    existing_by_row = resource.find_existing_many(values_by_row, user)
    checked = []
    for row, (_number, values), existing in zip(
        rows, values_by_row, existing_by_row, strict=True
    ):
        if isinstance(existing, ValueError):
            row.error("id", str(existing))
            existing = None
        if row.errors:
            row.label = resource.describe(values)
            continue
        _apply(resource, row, values, existing, user)
        if row.status != UNCHANGED:
            checked.append(row)
    if validate:
        for row in checked:
            try:
                resource.validate(row.instance, row.sets, user)
            except ValidationError as error:
                row.errors_from(error)
            except PermissionDenied as error:
                row.error(resource.permission_column, str(error))
        for row, error in resource.unique_clashes(
            [row for row in checked if row.status != ERROR]
        ):
            row.errors_from(error)
    new = [row for row in checked if row.status == NEW and compare]
    similar_many = resource.similar_many(new, user, resolve.existing_names)
    for row, similar in zip(new, similar_many, strict=True):
        if similar:
            row.status, row.duplicate_of = DUPLICATE, similar
    return rows


def _apply(resource, row, values, existing, user):
    """Put the row's values on its record (a new one, or the one it updates)."""
    model = resource.model
    instance = existing or model()
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if model_field.many_to_many:
            before = set(getattr(instance, name).all()) if existing else set()
            if existing is None or before != set(value):
                row.changes.append(name)
            row.sets[name] = value
        else:
            if existing is not None and getattr(instance, name) == value:
                continue
            setattr(instance, name, value)
            row.changes.append(name)
    resource.prepare(instance, user)
    row.instance, row.label = instance, resource.describe(values) or str(instance)
    if existing is not None:
        row.status = UPDATE if row.changes else UNCHANGED


def import_file(batch, user, skip_errors=False):
    """Write the batch's rows in one transaction, or raise ImportRefused and write nothing.

    Two passes over the file, a chunk at a time so that memory holds one
    chunk's records: the first checks every row against the records as they
    are (as the preview did: rows are not duplicates of what the import
    itself writes), the second writes. New records of the kinds saved by
    `record_save` are validated by the first pass and written in bulk
    (crm.transfer.writes.create_many); the others, and updates, through their
    save function, each in a savepoint: a row the rules refuse is marked as
    an error and, with `skip_errors`, left out; otherwise every refused row
    is reported and all is undone.
    """
    resource = import_resource(batch.resource)
    data = bytes(batch.data)
    created = updated = 0
    with transaction.atomic():
        checked = {}
        for chunk in preview_chunks(
            batch.resource, batch.file_name, data, user, resource.creates_in_bulk
        ):
            for row in chunk:
                row.instance = row.sets = None  # checked: let the records go
                checked[row.number] = row
        preview = Preview(batch.resource, resource.columns, list(checked.values()))
        if preview.counts[ERROR] and not skip_errors:
            raise ImportRefused(preview)
        # Stake writes leave their investors' figures to one recount at the end.
        with investor_figures_refreshed_once():
            for chunk in preview_chunks(
                batch.resource,
                batch.file_name,
                data,
                user,
                validate=False,
                compare=False,
            ):
                records = _write_chunk(batch, resource, chunk, checked, user)
                ImportedRecord.objects.bulk_create(records)
                created += sum(1 for record in records if record.created)
                updated += sum(1 for record in records if not record.created)
        if preview.counts[ERROR] and not skip_errors:
            raise ImportRefused(preview)  # leaving the block rolls every row back
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.IMPORTED,
            data=b"",
            imported_at=timezone.now(),
            rows_total=len(checked),
            rows_created=created,
            rows_updated=updated,
            rows_skipped=len(checked) - created - updated,
        )
    batch.refresh_from_db()
    return preview


def _write_chunk(batch, resource, rows, checked, user):
    """Save a chunk's rows that `checked` (the first pass) found new or updated.

    Returns the ImportedRecords to keep of them; a save's refusal is marked on
    the row of `checked`.
    """
    records, created_rows = [], []
    for row in rows:
        if checked[row.number].status not in WRITTEN or row.status not in WRITTEN:
            continue
        created = row.instance.pk is None
        row.instance._change_reason = batch.change_reason
        row.instance._history_user = user
        if created and resource.creates_in_bulk:
            created_rows.append(row)
            continue
        try:
            with transaction.atomic():
                resource.save(row.instance, row.sets, user)
        except ValidationError as error:
            checked[row.number].errors_from(error)
            continue
        except PermissionDenied as error:
            checked[row.number].error(resource.permission_column, str(error))
            continue
        records.append(_imported(batch, resource, row.instance, created))
    create_many(
        [row.instance for row in created_rows],
        sets_list=[row.sets for row in created_rows],
        user=user,
        reason=batch.change_reason,
    )
    return records + [
        _imported(batch, resource, row.instance, True) for row in created_rows
    ]


def _imported(batch, resource, instance, created):
    return ImportedRecord(
        batch=batch,
        model=resource.model._meta.label_lower,
        object_id=instance.pk,
        created=created,
    )


def start_batch(resource_name, name, data, user):
    """A previewed batch holding the file until it is confirmed."""
    import_resource(resource_name)  # KeyError for an unknown resource
    # Previews never confirmed hold their files: keep them a day, not forever.
    ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEWED,
        created_at__lt=timezone.now() - PREVIEW_KEPT_FOR,
    ).delete()
    return ImportBatch.objects.create(
        resource=resource_name, file_name=name[:255], data=data, created_by=user
    )
