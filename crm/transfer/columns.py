"""The columns of a list as a spreadsheet: the API's fields, relations by name.

A list's columns are its API serializer's fields in the same order, so an
export reads like the API and an import takes the same names. Relations are
written as names a person recognises (an investor's name, a round's name next
to its company column, a user's login) instead of ids; sets as names joined by
"; ". Annotated figures (total_stake_usd, ...) are read from the row.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django_countries.fields import Country

LIST_SEPARATOR = "; "
# What names a related record in a cell, where its __str__ would not: a
# round's own name (its company has its own column), a user's login.
NATURAL_NAME_ATTRIBUTES = {
    "portfolio.fundinground": "name",
    settings.AUTH_USER_MODEL.lower(): "username",
}


def natural_name(obj):
    """The name a spreadsheet gives a related record."""
    if obj is None:
        return ""
    attribute = NATURAL_NAME_ATTRIBUTES.get(obj._meta.label_lower)
    return str(getattr(obj, attribute) if attribute else obj)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "value", "relation" (many-to-one) or "set" (many-to-many)

    def read(self, row):
        value = getattr(row, self.name)
        if self.kind == "relation":
            return natural_name(value)
        if self.kind == "set":
            return LIST_SEPARATOR.join(natural_name(item) for item in value.all())
        return value


def field_names(model, serializer_class=None):
    """The serializer's fields, or the model's editable ones and its timestamps."""
    if serializer_class is not None:
        return list(serializer_class.Meta.fields)
    opts = model._meta
    return [
        field.name
        for field in (*opts.concrete_fields, *opts.many_to_many)
        if field.editable or field.name in ("id", "created_at", "updated_at")
    ]


def columns_for(model, serializer_class=None):
    columns = []
    for name in field_names(model, serializer_class):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            columns.append(Column(name, "value"))  # an annotation
            continue
        if field.many_to_many:
            columns.append(Column(name, "set"))
        elif field.many_to_one:
            columns.append(Column(name, "relation"))
        else:
            columns.append(Column(name, "value"))
    return columns


def with_relations(queryset, columns):
    """`queryset` reading every column's relation in the same query or one per set."""
    relations = [column.name for column in columns if column.kind == "relation"]
    sets = [column.name for column in columns if column.kind == "set"]
    if relations:
        queryset = queryset.select_related(*relations)
    if sets:
        queryset = queryset.prefetch_related(*sets)
    return queryset


def plain(value):
    """A cell's value as CSV and XLSX both take it: text, numbers, dates."""
    if value is None:
        return ""
    if isinstance(value, Country):
        return value.code or ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, datetime.datetime):
        # XLSX has no time zones: ISO 8601 text keeps the offset.
        return value.isoformat()
    if isinstance(value, bool | int | Decimal | datetime.date | str):
        return value
    return str(value)
