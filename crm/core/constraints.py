"""Database constraints that report their violation on a named field.

Django reports a failed CheckConstraint or expression UniqueConstraint as a
non-field error. Forms and the API must say *which* field is wrong, so these
subclasses re-raise the same message keyed by field. The database still holds
the rule, so nothing invalid lands even from a shell.
"""

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django_countries.fields import CountryField

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


# SQL's three-valued comparisons: None (NULL) on either side is unknown.
_COMPARISONS = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


class _NotInPython(Exception):
    """The condition uses something other than plain field comparisons."""


def _operand(model, instance, value):
    if isinstance(value, F):
        return getattr(instance, model._meta.get_field(value.name).attname)
    if hasattr(value, "resolve_expression"):
        raise _NotInPython
    return value


def _truth(model, instance, condition):
    """True, False or None (unknown, as SQL's NULL) for a Q of plain comparisons."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_truth(model, instance, child))
            continue
        if not isinstance(child, tuple):
            raise _NotInPython
        path, value = child
        name, _, lookup = path.partition("__")
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise _NotInPython from None
        if field.many_to_many or field.one_to_many or "__" in lookup:
            raise _NotInPython
        left = getattr(instance, field.attname)
        if lookup == "isnull":
            results.append((left is None) == bool(value))
            continue
        compare = _COMPARISONS.get(lookup or "exact")
        right = _operand(model, instance, value)
        if compare is None:
            raise _NotInPython
        results.append(None if left is None or right is None else compare(left, right))
    if condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        result = False if False in results else (None if None in results else True)
    if condition.negated and result is not None:
        result = not result
    return result


def _referenced_fields(condition):
    for child in condition.children:
        if isinstance(child, Q):
            yield from _referenced_fields(child)
        elif isinstance(child, tuple):
            yield child[0].partition("__")[0]
            if isinstance(child[1], F):
                yield child[1].name


def validate_constraints_in_python(instance, *, exclude=(), skip=()):
    """`instance.validate_constraints()`, its CheckConstraints evaluated without a query.

    Django asks the database about each CheckConstraint, a query per
    constraint and record; an import of thousands of rows checks them here
    instead, with SQL's rule that an unknown (NULL) outcome passes. A
    condition with other expressions (Upper, Length) and every
    UniqueConstraint not in `skip` (checked by the caller for many rows at
    once) still go to the database. Errors are keyed as Django keys them.
    """
    errors = {}
    for model, constraints in instance.get_constraints():
        for constraint in constraints:
            skipped = any(constraint is other for other in skip)
            if skipped or isinstance(constraint, DerivedValueConstraint):
                continue
            try:
                if not isinstance(constraint, models.CheckConstraint):
                    raise _NotInPython
                if set(_referenced_fields(constraint.condition)) & set(exclude):
                    continue
                passes = _truth(model, instance, constraint.condition) is not False
            except _NotInPython:
                try:
                    constraint.validate(model, instance, exclude=exclude)
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
                continue
            if not passes:
                error = ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )
                field = getattr(constraint, "field", NON_FIELD_ERRORS)
                errors = ValidationError({field: [error]}).update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def bulk_unique_constraints(model):
    """[(constraint, expression, field)]: `model`'s unique constraints on one column.

    On one field or Lower() of one field, with no condition and no wall:
    those a caller can check for many records with one query.
    """
    found = []
    for constraint in model._meta.constraints:
        if (
            not isinstance(constraint, FieldUniqueConstraint)
            or isinstance(constraint, WalledUniqueConstraint)
            or constraint.condition is not None
        ):
            continue
        if constraint.fields and len(constraint.fields) == 1:
            expression = F(constraint.fields[0])
        elif len(constraint.expressions) == 1:
            expression = constraint.expressions[0]
        else:
            continue
        inner = (
            expression.source_expressions[0]
            if isinstance(expression, Lower)
            else expression
        )
        if isinstance(inner, F):
            found.append((constraint, expression, model._meta.get_field(inner.name)))
    return found


def validate_record(instance):
    """`full_clean()`, with its CheckConstraints in Python and without the uniques of
    `bulk_unique_constraints`, which the caller checks for many records at once."""
    countries = [
        field
        for field in instance._meta.concrete_fields
        if isinstance(field, CountryField) and not field.multiple
    ]
    errors = {}
    try:
        instance.full_clean(
            exclude=[field.name for field in countries], validate_constraints=False
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for field in countries:
        # The field's own check walks every country's translated name: milliseconds
        # a record. Its rule is the same: a known code, or nothing if blank.
        value = getattr(instance, field.attname)
        code = getattr(value, "code", value) or ""
        if code and code not in field.countries:
            message = field.error_messages["invalid_choice"] % {"value": code}
        elif not code and not field.blank:
            message = field.error_messages["blank"]
        else:
            continue
        errors = ValidationError({field.name: [message]}).update_error_dict(errors)
    skip = [constraint for constraint, _, _ in bulk_unique_constraints(type(instance))]
    try:
        validate_constraints_in_python(instance, exclude=set(errors), skip=skip)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
