"""Database constraints that report their violation on a named field.

Django reports a failed CheckConstraint or expression UniqueConstraint as a
non-field error. Forms and the API must say *which* field is wrong, so these
subclasses re-raise the same message keyed by field. The database still holds
the rule, so nothing invalid lands even from a shell.
"""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models


class _FieldReportingMixin:
    def __init__(self, *args, field, **kwargs):
        self.field = field
        super().__init__(*args, **kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            raise ValidationError({self.field: error.error_list}) from error

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        return super().__eq__(other) and self.field == getattr(other, "field", None)


class FieldCheckConstraint(_FieldReportingMixin, models.CheckConstraint):
    """A CheckConstraint whose violation is an error on `field`."""


class FieldUniqueConstraint(_FieldReportingMixin, models.UniqueConstraint):
    """A UniqueConstraint (e.g. on Lower("name")) whose violation is an error on `field`."""


class DerivedValueConstraint(models.CheckConstraint):
    """A database backstop for values the application derives, never typed in.

    Validation skips it: when it fails, the derivation already reported why
    (e.g. a missing exchange rate), and its own message would mean nothing to
    the person at the form.
    """

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        return
