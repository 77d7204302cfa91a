"""Inline rows validated like the records they are.

Django leaves an inline row's link to its parent (a round's company on the
company page) out of the row's model checks, so a constraint naming it (a
round's name is unique per company) ran only at save, inside `record_save`,
as a server error. Here the row's constraints run with the link too, and a
failure is an error on the row, as on the record's own page.
"""

from django.core.exceptions import ValidationError
from django.forms.models import InlineForeignKeyField


def checking_parent_link(form_class):
    """`form_class` (an inline's form) whose constraints also check the parent link."""

    class InlineForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            links = [
                name
                for name, field in self.fields.items()
                if isinstance(field, InlineForeignKeyField)
            ]
            if not links:
                return
            # Constraints that failed or were skipped for another reason stay
            # as Django left them: only those the link kept out run again.
            exclude = self._get_validation_exclusions() | set(self._errors)
            try:
                self.instance.validate_constraints(exclude=exclude)
            except ValidationError as error:
                reported = {m for messages in self._errors.values() for m in messages}
                fresh = {
                    field: [m for m in messages if m not in reported]
                    for field, messages in error.message_dict.items()
                }
                if fresh := {field: found for field, found in fresh.items() if found}:
                    # Django's own way: errors on fields the row has no input
                    # for become the row's non-field errors.
                    self._update_errors(ValidationError(fresh))

    return InlineForm
