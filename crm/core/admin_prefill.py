"""Add forms pre-filled from the address keep only the values their fields accept.

`/admin/notes/interaction/add/?investor=3` opens the form with the investor
chosen. Django passes the address's values to the form as they are, so a
value the field cannot read (`?investor=abc`, `?occurred_at=garbage`) breaks
the page (500). Here each value is read as the field's form would read it,
and left out if the field refuses it: the user sees an empty field instead.
"""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models


def prefill_value(field, value):
    """`value` as `field`'s form takes it; ValidationError if the field refuses it."""
    # A relation's keys are checked, not converted: the form takes them as
    # text. Whether the user may see the record is the form's choices'
    # business (crm.core.admin.VisibleRecordsMixin).
    if field.many_to_many:
        # Django has already split "1,2,3" into a list.
        for pk in value:
            field.target_field.clean(pk, None)
        return value
    if field.is_relation:
        field.target_field.clean(value, None)
        return value
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        return value  # any text is text
    formfield = field.formfield()
    if formfield is None:
        return value
    cleaned = formfield.clean(value)
    # The model's own validators (dates between 1900 and 2100, ...), which a
    # form field does not carry.
    if cleaned not in field.empty_values:
        field.run_validators(cleaned)
    return cleaned


class PrefillFromAddressMixin:
    """Drops the pre-fill values of an add form's address that its fields refuse."""

    def get_changeform_initial_data(self, request):
        initial = {}
        for name, value in super().get_changeform_initial_data(request).items():
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                initial[name] = value
                continue
            try:
                initial[name] = prefill_value(field, value)
            except (ValidationError, ValueError, TypeError):
                continue
        return initial
