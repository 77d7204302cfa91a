"""Database constraints that report their violation on a named field.

Django reports a failed CheckConstraint or expression UniqueConstraint as a
non-field error. Forms and the API must say *which* field is wrong, so these
subclasses re-raise the same message keyed by field. The database still holds
the rule, so nothing invalid lands even from a shell.
"""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F
from django.db.models.lookups import Exact

from crm.core.writers import current_writer


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


class WalledUniqueConstraint(FieldUniqueConstraint):
    """A FieldUniqueConstraint on a walled model that names no hidden record.

    A clash with a record the writer (crm.core.writers) may not see reads as
    `hidden_violation_message`, which says nothing about that record; those
    who may see it get the precise message. That the value cannot be used
    still shows: the database holds the rule for every row.
    """

    hidden_violation_message = "This name cannot be used."

    def __init__(self, *expressions, **kwargs):
        if kwargs.get("fields") or kwargs.get("condition") is not None:
            raise ValueError("WalledUniqueConstraint takes expressions only.")
        super().__init__(*expressions, **kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError:
            clashing = self._clashing(model, instance, exclude, using)
            if clashing.visible_to(current_writer()).exists():
                raise
            raise ValidationError(
                {
                    self.field: ValidationError(
                        self.hidden_violation_message, code="unavailable"
                    )
                }
            ) from None

    def _clashing(self, model, instance, exclude, using):
        """The rows `instance` clashes with: UniqueConstraint.validate's own query."""
        replacements = {
            F(field): value
            for field, value in instance._get_field_expression_map(
                meta=model._meta, exclude=exclude
            ).items()
        }
        queryset = model._default_manager.using(using).filter(
            *(
                Exact(expression, expression.replace_expressions(replacements))
                for expression in self.expressions
            )
        )
        if not instance._state.adding and instance.pk is not None:
            queryset = queryset.exclude(pk=instance.pk)
        return queryset


class DerivedValueConstraint(models.CheckConstraint):
    """A database backstop for values the application derives, never typed in.

    Validation skips it: when it fails, the derivation already reported why
    (e.g. a missing exchange rate), and its own message would mean nothing to
    the person at the form.
    """

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        return
