"""The write path shared by the admin, the API and the commands.

Records whose writes change figures stored elsewhere have services of their
own that build on this one (crm.portfolio.services for stakes and rounds);
deletes go through crm.core.deletion.
"""

from crm.core.history import one_entry_per_record
from crm.core.writers import writing_as


def record_save(*, instance, many_to_many=None, user=None):
    """Validate every model rule, then save `instance` and its many-to-many sets.

    `full_clean()` runs field validation, `clean()` (cross-field rules, USD
    conversion) and the database constraints, so a rule has one home whichever
    door the write comes through. `user` is the writer the rules answer
    (crm.core.writers).
    """
    # One transaction, and one history entry for the row and its sets.
    with one_entry_per_record(), writing_as(user):
        instance.full_clean()
        instance.save()
        for name, values in (many_to_many or {}).items():
            getattr(instance, name).set(values)
    return instance
