"""Who is writing: the user a write (and its validation) is made for.

Validation runs where Django runs it (a model form's `full_clean`, a
constraint's `validate`), which takes no user; a rule whose message depends
on what the writer may see (crm.core.constraints.WalledUniqueConstraint)
reads the writer here. The doors set it: the admin's forms
(crm.core.admin.CrmModelAdmin) and `record_save(user=...)` (the API, restores).
Without one, the writer is treated as a user who sees only what is public.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_writer = ContextVar("crm_writer", default=None)


@contextmanager
def writing_as(user):
    """Inside the block, `user` is the writer; `None` keeps the one already set."""
    if user is None:
        yield
        return
    token = _writer.set(user)
    try:
        yield
    finally:
        _writer.reset(token)


def current_writer():
    return _writer.get()
