"""Pages of at most 200 results, 50 by default: numbered, or by keyset.

Numbered pages say how many rows match and reach page n by skipping the rows
before it: a COUNT and an OFFSET that both grow with the table. The lists
that grow to millions of rows (stakes, interactions) page by keyset instead:
a page starts right after the last row of the one before, found through the
ordering's index, so page 20,000 costs what page 1 costs. They say nothing
of the total.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, models
from django.db.models import F, OrderBy, Q
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
)
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

PAGE_SIZE = 50
# Larger requests are capped rather than refused, as DRF does.
MAX_PAGE_SIZE = 200


# Numbered pages reach this many rows deep: an OFFSET reads and drops every
# row before the page, so one deep request could pin a worker for seconds.
MAX_PAGE_DEPTH = 10_000


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.check_depth(request)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        # Every page has all four keys; `next` and `previous` may be null.
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated

    def check_depth(self, request):
        try:
            number = int(request.query_params.get(self.page_query_param, 1))
        except ValueError:
            return  # DRF answers "Invalid page." (404), as before
        if (number - 1) * self.get_page_size(request) >= MAX_PAGE_DEPTH:
            raise ValidationError(
                {
                    self.page_query_param: [
                        f"Pages reach the first {MAX_PAGE_DEPTH:,} rows. Narrow the "
                        "list with filters (updated_after, for a sync) or another "
                        "ordering to reach the rest."
                    ]
                }
            )


@dataclass(frozen=True)
class Column:
    """One column of a keyset ordering: which way it runs, where NULLs go."""

    field: models.Field
    descending: bool
    nulls_last: bool

    @property
    def name(self):
        """As in `ordering`: "-amount_usd", "id"."""
        return ("-" if self.descending else "") + self.field.name

    def order_by(self, reverse=False):
        descending = self.descending != reverse
        if not self.field.null:
            return OrderBy(F(self.field.name), descending=descending)
        if self.nulls_last != reverse:
            return OrderBy(F(self.field.name), descending=descending, nulls_last=True)
        return OrderBy(F(self.field.name), descending=descending, nulls_first=True)

    def beyond(self, value, reverse):
        """Rows strictly past `value` in this column, or None if none can be."""
        descending = self.descending != reverse
        nulls_last = self.nulls_last != reverse
        name = self.field.name
        if value is None:
            return None if nulls_last else Q(**{f"{name}__isnull": False})
        past = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        if self.field.null and nulls_last:
            past |= Q(**{f"{name}__isnull": True})
        return past

    def at_or_beyond(self, value, reverse):
        """`beyond` or equal, as one range an index scan can start from."""
        descending = self.descending != reverse
        nulls_last = self.nulls_last != reverse
        name = self.field.name
        if value is None:
            return Q(**{f"{name}__isnull": True}) if nulls_last else Q()
        bound = Q(**{f"{name}__{'lte' if descending else 'gte'}": value})
        if self.field.null and nulls_last:
            bound |= Q(**{f"{name}__isnull": True})
        return bound

    def equal(self, value):
        if value is None:
            return Q(**{f"{self.field.name}__isnull": True})
        return Q(**{self.field.name: value})

    def encode(self, row):
        value = getattr(row, self.field.attname)
        return None if value is None else self.field.value_to_string(row)

    def decode(self, value):
        """A cursor's value as the column's Python value, or ValueError."""
        if value is None:
            if not self.field.null:
                raise ValueError(f"{self.field.name} cannot be empty")
            return None
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError(f"{self.field.name} is not text")
        try:
            decoded = self.field.to_python(value)
            self.field.run_validators(decoded)
        except DjangoValidationError as error:
            raise ValueError(f"{self.field.name}: {error.messages}") from None
        if isinstance(decoded, datetime.datetime):
            # Ours are written in UTC: a naive or far-off one was tampered with.
            if decoded.tzinfo is None:
                raise ValueError(f"{self.field.name} has no UTC offset")
            try:
                decoded = decoded.astimezone(datetime.UTC)
            except OverflowError:
                raise ValueError(f"{self.field.name} is out of range") from None
        return decoded


def keyset_columns(queryset):
    """The queryset's ordering as keyset columns, ending with a unique one.

    Reads what the queryset orders by (its `order_by()`, else the model's
    `Meta.ordering`): field names ("-as_of", "pk") and `F(...).asc()/.desc()`
    with or without a NULLs placement. A NULLs placement left to the
    database is read from the database (PostgreSQL sorts NULLs as the
    largest value, SQLite as the smallest). Columns after a unique one
    never decide anything and are dropped; without one, the primary key
    ends the key.
    """
    query = queryset.query
    terms = query.order_by or (
        queryset.model._meta.ordering if query.default_ordering else ()
    )
    opts = queryset.model._meta
    nulls_largest = connections[queryset.db].features.nulls_order_largest
    columns = []
    for term in terms:
        nulls_last = None
        if isinstance(term, str):
            descending, name = term.startswith("-"), term.lstrip("-")
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            descending, name = term.descending, term.expression.name
            if term.nulls_last or term.nulls_first:
                nulls_last = bool(term.nulls_last)
        elif isinstance(term, F):
            descending, name = False, term.name
        else:
            raise ImproperlyConfigured(f"Keyset pages cannot order by {term!r}.")
        try:
            field = opts.pk if name == "pk" else opts.get_field(name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(
                f"Keyset pages order by the model's own columns, not {name!r}."
            ) from None
        if field.is_relation or not field.concrete:
            raise ImproperlyConfigured(
                f"Keyset pages order by the model's own columns, not {name!r}."
            )
        if any(column.field == field for column in columns):
            continue  # ORDER BY a, a DESC: the second never decides.
        if nulls_last is None:
            nulls_last = nulls_largest != descending
        columns.append(Column(field, descending, nulls_last))
        if field.unique and not field.null:
            return columns
    return [*columns, Column(opts.pk, descending=False, nulls_last=True)]


def keyset_filter(columns, position, reverse=False):
    """The rows after `position` (before it if `reverse`) in `columns`' order.

    When every column runs the same way and none can be empty, one row
    comparison, `(a, b) < (x, y)`: PostgreSQL starts an index scan of the
    ordering right at the position and estimates it by its first column,
    so a page deep in the list is planned and read like the first one.
    Otherwise (a past x) OR (a = x AND b past y) OR ... with each column's
    direction and NULLs placement; the first column's range is repeated on
    its own so that an index on it can start the scan at the position.
    """
    if len({column.descending for column in columns}) == 1 and not any(
        column.field.null for column in columns
    ):
        # SQLite gets the OR-chain from Django (no supports_tuple_lookups).
        before = columns[0].descending != reverse
        lookup = TupleLessThan if before else TupleGreaterThan
        key = Tuple(*(F(column.field.name) for column in columns))
        return Q(lookup(key, tuple(position)))
    branches, equal_so_far = [], Q()
    for column, value in zip(columns, position, strict=True):
        past = column.beyond(value, reverse)
        if past is not None:
            branches.append(equal_so_far & past)
        equal_so_far &= column.equal(value)
    # The last column is unique and never NULL: there is always a branch.
    after = reduce(or_, branches)
    if len(columns) > 1:
        after &= columns[0].at_or_beyond(position[0], reverse)
    return after


def encode_cursor(columns, position, reverse=False):
    """The opaque cursor of the rows after `position` (before it if `reverse`).

    `position` holds each column's value as text (Column.encode).
    """
    payload = {"o": [column.name for column in columns], "p": position, "r": reverse}
    text = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def keyset_cursor(queryset, row, reverse=False):
    """The cursor of the page after `row` of `queryset` (before it if `reverse`)."""
    columns = keyset_columns(queryset)
    return encode_cursor(columns, [column.encode(row) for column in columns], reverse)


@dataclass(frozen=True)
class Cursor:
    position: list  # as written in the cursor
    values: list  # as the columns' Python values
    reverse: bool


class KeysetPagination(pagination.CursorPagination):
    """`next` and `previous` links that carry the last row's key, exact on any ordering.

    DRF's CursorPagination keys on the first ordering column alone plus an
    offset among equal values: rows with a NULL there are skipped (a
    comparison with NULL is never true), a run of equal values is walked by
    OFFSET, and the ordering must come from DRF's own OrderingFilter. Here
    the key is the whole ordering, ties broken by id as the filtersets do
    (`crm.core.api.filters.StableOrderingFilter`): the cursor holds the
    values of every ordering column of the row it continues from, so a page
    is one indexed range read whatever the ordering and however deep.

    A cursor names the ordering it was made for: with another `ordering` it
    is a 400, as is a cursor that is not one of ours. With other filters it
    simply continues from its position.
    """

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_description = (
        "Where the page starts: the cursor of a `next` or `previous` link, "
        "as given. Valid only with the same `ordering`."
    )
    ordering = None  # The queryset's (see keyset_columns).

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.columns = keyset_columns(queryset)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        rows = queryset.order_by(*(column.order_by(reverse) for column in self.columns))
        if self.cursor:
            rows = rows.filter(keyset_filter(self.columns, self.cursor.values, reverse))
        # One row more than the page says whether there is another beyond it.
        page = list(rows[: self.page_size + 1])
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if reverse:
            page.reverse()
        # Coming from a cursor, there are rows on the side it came from.
        self.has_next = self.cursor is not None if reverse else more
        self.has_previous = more if reverse else self.cursor is not None
        self.page = page
        return page

    def get_next_link(self):
        if not self.has_next:
            return None
        # An empty page (every row before it deleted, or other filters) goes
        # on from its own cursor's position.
        position = self._position(self.page[-1]) if self.page else self.cursor.position
        return self._link(position, reverse=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = self._position(self.page[0]) if self.page else self.cursor.position
        return self._link(position, reverse=True)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            text = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            payload = json.loads(text)
            ordering, position, reverse = payload["o"], payload["p"], payload["r"]
        except (binascii.Error, ValueError, TypeError, KeyError, RecursionError):
            raise self._invalid(_("This is not a cursor of this list.")) from None
        if ordering != [column.name for column in self.columns]:
            raise self._invalid(
                _(
                    "This cursor was made for another ordering: start again from "
                    "the first page."
                )
            )
        if not isinstance(reverse, bool) or not isinstance(position, list):
            raise self._invalid(_("This is not a cursor of this list."))
        if len(position) != len(self.columns):
            raise self._invalid(_("This is not a cursor of this list."))
        try:
            values = [
                column.decode(value)
                for column, value in zip(self.columns, position, strict=True)
            ]
        except ValueError:
            raise self._invalid(_("This is not a cursor of this list.")) from None
        return Cursor(position, values, reverse)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    **link,
                    "description": "The next page; null on the last.",
                    "example": "https://crm.example.org/api/v1/stakes/?cursor=eyJvIjpb",
                },
                "previous": {
                    **link,
                    "description": "The page before; null on the first.",
                },
                "results": schema,
            },
        }

    def _position(self, row):
        return [column.encode(row) for column in self.columns]

    def _link(self, position, reverse):
        cursor = encode_cursor(self.columns, position, reverse)
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def _invalid(self, message):
        return ValidationError({self.cursor_query_param: [message]})
