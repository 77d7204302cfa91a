"""Database constraints that report their violation on a named field.

Django reports a failed CheckConstraint or expression UniqueConstraint as a
non-field error. Forms and the API must say *which* field is wrong, so these
subclasses re-raise the same message keyed by field. The database still holds
the rule, so nothing invalid lands even from a shell.
"""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q
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
    """A UniqueConstraint (e.g. on Lower("name")) whose violation is an error on `field`.

    The error's code is "unique", and its `existing` param is the id of the
    record it clashes with when the writer (crm.core.writers) may see it: the
    API's 409 links to that record.
    """

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            models.UniqueConstraint.validate(
                self, model, instance, exclude=exclude, using=using
            )
        except ValidationError as error:
            self._report(model, instance, exclude, using, error.messages[0])

    def _report(self, model, instance, exclude, using, message):
        """Raise the violation, naming the clashing record if the writer may see it."""
        existing = self._visible_clash(model, instance, exclude, using)
        if existing is None:
            self._raise_hidden(message)
        raise ValidationError(
            {
                self.field: ValidationError(
                    message, code="unique", params={"existing": existing}
                )
            }
        )

    def _raise_hidden(self, message):
        """Every row is visible to everyone here; walled models override this."""
        raise ValidationError({self.field: ValidationError(message, code="unique")})

    def _visible_clash(self, model, instance, exclude, using):
        """The id of a row `instance` clashes with that the writer may see, or None."""
        clashing = self._clashing(model, instance, exclude, using)
        if hasattr(clashing, "visible_to"):
            clashing = clashing.visible_to(current_writer())
        return clashing.values_list("pk", flat=True).first()

    def _clashing(self, model, instance, exclude, using):
        """The rows `instance` clashes with: UniqueConstraint.validate's own query."""
        queryset = model._default_manager.using(using)
        if self.fields:
            queryset = queryset.filter(
                **{
                    name: getattr(instance, model._meta.get_field(name).attname)
                    for name in self.fields
                }
            )
        else:
            replacements = {
                F(field): value
                for field, value in instance._get_field_expression_map(
                    meta=model._meta, exclude=exclude
                ).items()
            }
            queryset = queryset.filter(
                *(
                    Exact(expression, expression.replace_expressions(replacements))
                    for expression in self.expressions
                )
            )
        if self.condition is not None:
            queryset = queryset.filter(self.condition)
        if not instance._state.adding and instance.pk is not None:
            queryset = queryset.exclude(pk=instance.pk)
        return queryset


class WalledUniqueConstraint(FieldUniqueConstraint):
    """A FieldUniqueConstraint on a walled model that names no hidden record.

    A clash with a record the writer (crm.core.writers) may not see reads as
    `hidden_violation_message`, which says nothing about that record; those
    who may see it get the precise message. That the value cannot be used
    still shows: the database holds the rule for every row.
    """

    hidden_violation_message = "This name cannot be used."

    def _raise_hidden(self, message):
        raise ValidationError(
            {
                self.field: ValidationError(
                    self.hidden_violation_message, code="unavailable"
                )
            }
        ) from None


class ExternalIdConstraint(FieldUniqueConstraint):
    """An external id is unique among the records that have one.

    Checked with one query, and none for a record without one: Django's
    check of a conditional constraint costs three (a savepoint around it),
    on every save.
    """

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if (exclude and self.field in exclude) or not instance.external_id:
            return
        if self._clashing(model, instance, exclude, using).exists():
            self._report(model, instance, exclude, using, self.violation_error_message)


class WalledExternalIdConstraint(ExternalIdConstraint, WalledUniqueConstraint):
    """The external id's rule on a walled model (stakes, rounds, the contact log)."""

    hidden_violation_message = "This external id cannot be used."


def external_id_constraint(model_name, *, walled=False):
    """An external id is unique among the model's records that have one."""
    kind = WalledExternalIdConstraint if walled else ExternalIdConstraint
    return kind(
        fields=["external_id"],
        condition=~Q(external_id=""),
        name=f"{model_name}_external_id_unique",
        field="external_id",
        violation_error_message="Another record has this external id.",
    )


class DerivedValueConstraint(models.CheckConstraint):
    """A database backstop for values the application derives, never typed in.

    Validation skips it: when it fails, the derivation already reported why
    (e.g. a missing exchange rate), and its own message would mean nothing to
    the person at the form.
    """

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        return
