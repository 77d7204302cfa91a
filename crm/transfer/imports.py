"""Imports: every row of a file previewed, then all written in one transaction, or none.

A preview reads the file (crm.transfer.files), turns each row's cells into
field values (crm.transfer.cells; relations by natural keys, walls applied),
finds the record it updates if any, and validates the result with the
model's own rules (`full_clean`, as the write path does) without writing.
Each row is "new", "update" (with the fields that change), "unchanged",
"duplicate" (of an earlier row of the file, or of a similar record:
crm.transfer.duplicates) or "error" (column and reason).

Confirming builds the same preview inside a transaction and saves each new
and updated row through the resource's save function (the write path shared
with the admin and the API), stamping its history entry with the batch; any
error rolls everything back. Empty cells and absent columns leave a value as
it is.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crm.transfer import cells
from crm.transfer.files import Formula, ImportFileError, read_table
from crm.transfer.models import ImportBatch, ImportedRecord
from crm.transfer.resources import import_resource

NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR = (
    "new",
    "update",
    "unchanged",
    "duplicate",
    "error",
)

WRITTEN = (NEW, UPDATE)
PREVIEW_KEPT_FOR = datetime.timedelta(days=1)


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

    def __call__(self, model_field, name, values):
        model = model_field.related_model
        context = self.resource.lookup_context(model, values)
        key = (model._meta.label_lower, name.casefold(), context)
        if key not in self.memo:
            self.memo[key] = self._find(model, name, values)
        return self.memo[key]

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
    """Read and check every row of the file; write nothing.

    `validate=False` leaves the model's rules to the save that follows
    (import_file), which runs them anyway: one `full_clean` per row, not two.
    """
    resource = import_resource(resource_name)
    header, table = read_table(name, data)
    check_header(resource, header)
    resolve = Resolver(resource, user)
    columns = resource.columns
    seen, rows = {}, []
    for number, cells_ in enumerate(table, start=2):
        cells_by_column = dict(zip(header, cells_, strict=False))
        row = preview_row(
            resource, columns, number, cells_by_column, resolve, user, validate
        )
        if row.status != ERROR and row.status != UNCHANGED:
            key = resource.natural_key(row.instance, row.sets)
            if key is not None and key in seen:
                row.status, row.duplicate_of = DUPLICATE, f"row {seen[key]}"
            elif key is not None:
                seen[key] = number
        rows.append(row)
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return Preview(resource_name, columns, rows)


def preview_row(resource, columns, number, cells_by_column, resolve, user, validate):
    row = Row(number)
    model = resource.model
    values = {}
    for name in columns:
        raw = cells_by_column.get(name, "")
        if isinstance(raw, Formula):
            row.error(name, f"A formula ({raw}): put its value in the cell instead.")
            continue
        if cells.text(raw) == "":
            continue
        try:
            values[name] = convert(model._meta.get_field(name), raw, values, resolve)
        except ValueError as error:
            row.error(name, str(error))
    existing = None
    raw_id = cells.text(cells_by_column.get("id", ""))
    try:
        existing = resource.find_existing(raw_id, values, user)
    except ValueError as error:
        row.error("id", str(error))
    if row.errors:
        row.label = resource.describe(values)
        return row
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
        if row.status == UNCHANGED:
            return row
    if validate:
        try:
            resource.validate(instance, row.sets, user)
        except ValidationError as error:
            row.errors_from(error)
            return row
    if existing is None:
        similar = resource.similar(instance, user)
        if similar:
            row.status, row.duplicate_of = DUPLICATE, similar
    return row


def import_file(batch, user, skip_errors=False):
    """Write the batch's rows in one transaction, or raise ImportRefused and write nothing.

    Each row is saved in a savepoint: a row the model's rules refuse is
    marked as an error and, with `skip_errors`, left out; otherwise the
    first refusal's row and every other one are reported and all is undone.
    """
    resource = import_resource(batch.resource)
    with transaction.atomic():
        preview = preview_file(
            batch.resource, batch.file_name, bytes(batch.data), user, validate=False
        )
        records = []
        for row in preview.rows:
            if row.status not in WRITTEN:
                continue
            created = row.instance.pk is None
            row.instance._change_reason = batch.change_reason
            row.instance._history_user = user
            try:
                with transaction.atomic():
                    resource.save(row.instance, row.sets, user)
            except ValidationError as error:
                row.errors_from(error)
                continue
            records.append(
                ImportedRecord(
                    batch=batch,
                    model=resource.model._meta.label_lower,
                    object_id=row.instance.pk,
                    created=created,
                )
            )
        if preview.counts[ERROR] and not skip_errors:
            raise ImportRefused(preview)  # leaving the block rolls every row back
        ImportedRecord.objects.bulk_create(records, batch_size=1000)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.IMPORTED,
            data=b"",
            imported_at=timezone.now(),
            rows_total=len(preview.rows),
            rows_created=sum(1 for record in records if record.created),
            rows_updated=sum(1 for record in records if not record.created),
            rows_skipped=len(preview.rows) - len(records),
        )
    batch.refresh_from_db()
    return preview


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
