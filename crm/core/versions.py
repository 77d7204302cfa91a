"""Record versions: a tag that changes on every save, and the row lock to check it.

The API's ETag and the admin's stale-form check use the same tag, so "changed
since you read it" means the same at either door.
"""

import datetime
import hashlib


def version_of(model, pk, updated_at) -> str:
    """An opaque tag for one saved state of a record: its identity and `updated_at`.

    `updated_at` moves on every save (`auto_now`), many-to-many sets included:
    the services save the row before setting them.
    """
    stamp = updated_at.astimezone(datetime.UTC).isoformat()
    key = f"{model._meta.concrete_model._meta.label}:{pk}:{stamp}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def record_version(instance) -> str:
    return version_of(type(instance), instance.pk, instance.updated_at)


def lock_record(instance) -> datetime.datetime:
    """Lock `instance`'s row until the transaction ends; return its stored `updated_at`.

    Raises the model's DoesNotExist if the row is gone. On PostgreSQL a second
    writer waits here until the first commits, then reads the new version; on
    SQLite the lock is a no-op and the database serialises writers itself.
    """
    return (
        type(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("updated_at", flat=True)
        .get()
    )
