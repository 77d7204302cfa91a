"""Reading history: each entry as who, when, what kind of change, and each
field's old and new value, for the API and the admin.

What is shown: every field of the record except its bookkeeping (id,
created_at, updated_at), many-to-many sets included (as lists of ids).
Relations are ids, sectors included (a slug may have changed, or the sector
gone, since). A reference to a record the reader may not see (an old value
naming a confidential round, or a deleted one) reads as null: history must not
name what the ethical walls hide.
"""

import datetime
from decimal import Decimal

from rest_framework import serializers
from simple_history.models import HistoricalRecords

from crm.core.models import CRMQuerySet, sees_everything

CHANGES = {"+": "created", "~": "updated", "-": "deleted"}
BOOKKEEPING_FIELDS = {"id", "created_at", "updated_at"}


def is_walled(model):
    """Whether some users may not see some rows of `model` (its `visible_to` filters)."""
    visible_to = getattr(type(model._default_manager.all()), "visible_to", None)
    return visible_to is not None and visible_to is not CRMQuerySet.visible_to


def scalar_fields(model):
    """Names of the fields history shows, many-to-many sets excepted."""
    history_model = model.history.model
    return [
        field.name
        for field in history_model.tracked_fields
        if field.name not in BOOKKEEPING_FIELDS
    ]


def many_to_many_fields(model):
    """The many-to-many fields history records with each entry."""
    return list(model.history.model._history_m2m_fields)


def shown_fields(model):
    return [
        *scalar_fields(model),
        *(field.name for field in many_to_many_fields(model)),
    ]


def json_value(field, value):
    """`value` of model field `field` as the API writes it."""
    if isinstance(value, Decimal):
        return serializers.DecimalField(
            max_digits=field.max_digits, decimal_places=field.decimal_places
        ).to_representation(value)
    if isinstance(value, datetime.datetime):
        return serializers.DateTimeField().to_representation(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    # Countries and the like.
    return str(value)


class HiddenReferences:
    """Which references in some history entries name records `user` may not see.

    One query per walled relation (rounds), none for a superuser. A deleted
    record cannot be checked, so a reference to a deleted walled one is hidden.
    """

    def __init__(self, model, records, user):
        self.hidden = {}
        for field in model._meta.concrete_fields:
            if not (field.many_to_one and is_walled(field.related_model)):
                continue
            walled = field.related_model._default_manager.all()
            ids = {getattr(record, field.attname) for record in records} - {None}
            if ids and not sees_everything(user):
                visible = walled.visible_to(user).filter(pk__in=ids)
                self.hidden[field.name] = ids - set(
                    visible.values_list("pk", flat=True)
                )

    def hides(self, field_name, pk):
        return pk in self.hidden.get(field_name, ())


def _many_to_many_sets(model, records):
    """{history_id: {field name: sorted related ids}}: one query per field."""
    sets = {record.history_id: {} for record in records}
    for field in many_to_many_fields(model):
        for record in records:
            sets[record.history_id][field.name] = []
        related = field.m2m_reverse_field_name()
        rows = (
            HistoricalRecords.m2m_models[field]
            .objects.filter(history__in=list(sets))
            .order_by(related)
            .values_list("history_id", related)
        )
        for history_id, related_id in rows:
            sets[history_id][field.name].append(related_id)
    return sets


class EntryReader:
    """History entries of one model's records as the API shows them."""

    def __init__(self, model, records, user):
        """`records`: the entries to read and, after them, the one each diff needs."""
        self.model = model
        self.records = list(records)
        self.sets = _many_to_many_sets(model, self.records)
        self.hidden = HiddenReferences(model, self.records, user)
        self.scalars = scalar_fields(model)
        self.many = [field.name for field in many_to_many_fields(model)]

    def entries(self, count):
        """The first `count` records as entries; each compared with the next (older) one."""
        chain = self.records
        return [
            self.entry(record, chain[index + 1] if index + 1 < len(chain) else None)
            for index, record in enumerate(chain[:count])
        ]

    def entry(self, record, previous):
        return {
            "changed_at": record.history_date,
            "changed_by": record.history_user_id,
            "change": CHANGES[record.history_type],
            "reason": record.history_change_reason or None,
            "changes": self.changes(record, previous),
        }

    def changes(self, record, previous):
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous, included_fields=self.scalars)
            pairs = [(change.field, change.old, change.new) for change in delta.changes]
            pairs += [
                (name, self.sets[previous.history_id][name], new)
                for name in self.many
                if (new := self.sets[record.history_id][name])
                != self.sets[previous.history_id][name]
            ]
        elif record.history_type == "-":
            # Django deletes a record's many-to-many rows before the record,
            # so the deletion's own snapshot has empty sets: take the sets
            # from the entry before it.
            before = previous or record
            pairs = [
                (name, getattr(record, self._attname(name)), None)
                for name in self.scalars
            ]
            pairs += [
                (name, self.sets[before.history_id][name], None) for name in self.many
            ]
        else:
            # A creation, or the first entry known of a record older than
            # its history: every value, with no old one.
            pairs = [
                (name, None, getattr(record, self._attname(name)))
                for name in self.scalars
            ]
            pairs += [
                (name, None, self.sets[record.history_id][name]) for name in self.many
            ]
        return [
            {
                "field": name,
                "old": self._value(name, old),
                "new": self._value(name, new),
            }
            for name, old, new in sorted(pairs, key=lambda pair: pair[0])
        ]

    def _attname(self, name):
        return self.model._meta.get_field(name).attname

    def _value(self, name, value):
        if value is None:
            return None
        field = self.model._meta.get_field(name)
        if field.many_to_one and self.hidden.hides(name, value):
            return None
        return json_value(field, value)
