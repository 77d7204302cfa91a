"""What a user is told about the records that stand in the way of a deletion.

Only what the ethical walls let them see: records they may see are named and
counted as usual; records they may not see are one phrase, with no name and
no number (the deletion is still refused, so that much cannot be hidden).
The admin's delete pages (crm.core.admin_deletion) and the API's 409 both
read it here.
"""

from collections import defaultdict

from crm.core.changes import is_walled
from crm.core.deletion import describe
from crm.core.models import sees_everything

HIDDEN_RECORDS = "records you may not see"


class HiddenRecords:
    """Which of some records `user` may not see: one query per walled model.

    A record of a walled model (a stake, a round) is judged by its own
    `visible_to`; any other record (a person present at an interaction, a
    round's link to a team) by the walled records it points to.
    """

    def __init__(self, records, user):
        self.hidden = set()
        if sees_everything(user):
            return
        by_model = defaultdict(list)
        for record in records:
            by_model[record._meta.concrete_model].append(record)
        # For each walled model, the ids to check and the records they judge.
        checks = defaultdict(lambda: defaultdict(list))
        for model, rows in by_model.items():
            if is_walled(model):
                for row in rows:
                    checks[model][row.pk].append(row)
                continue
            for field in model._meta.concrete_fields:
                if field.many_to_one and is_walled(field.related_model):
                    for row in rows:
                        if (pk := getattr(row, field.attname)) is not None:
                            checks[field.related_model][pk].append(row)
        for model, judged in checks.items():
            visible = set(
                model._default_manager.visible_to(user)
                .filter(pk__in=list(judged))
                .values_list("pk", flat=True)
            )
            for pk, rows in judged.items():
                if pk not in visible:
                    self.hidden.update(_key(row) for row in rows)

    def hides(self, record):
        return _key(record) in self.hidden


def _key(record):
    return record._meta.concrete_model._meta.label, record.pk


def shown_dependants(error, user):
    """(the dependants of `error` that `user` may see, whether others are hidden)."""
    hidden = HiddenRecords(error.dependants, user)
    shown = [record for record in error.dependants if not hidden.hides(record)]
    return shown, len(shown) < len(error.dependants)


def refusal_message(error, user, shown=None):
    """The message of DependentRecordsExist `error` as `user` may read it.

    `shown` is what shown_dependants() gave, when the caller has it already.
    """
    if shown is None:
        shown, _hidden = shown_dependants(error, user)
    what = f"{error.instance._meta.verbose_name} “{error.instance}”"
    if len(shown) == len(error.dependants):
        return error.message
    if not shown:
        return f"Cannot delete {what}: {HIDDEN_RECORDS} depend on it."
    return f"Cannot delete {what}: {describe(shown)} and {HIDDEN_RECORDS} depend on it."
