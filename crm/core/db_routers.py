"""A read replica: reads go to it, writes and what must see them to the primary.

Installed by config/settings.py when DATABASE_REPLICA_URL is set (alias
"replica"); without it there is one database and the router is not
installed (the middleware then sets a flag no one reads). Within a request
(ReplicaReadsMiddleware):

- reads go to the replica,
- writes go to the primary, and from the first write on every read of the
  same request goes to the primary too, so a client never reads back a stale
  copy of what it has just written (a create's 201 reloads the new record);
- reads inside `transaction.atomic` go to the primary: they must see the
  transaction's own writes and hold its locks (`select_for_update`);
- logins, sessions, API tokens and permissions are always read from the
  primary, so a login, a revoked token or a lockout takes effect at once.

Outside a request (management commands, the shell, scripts) everything goes
to the primary: commands often write, then read what they wrote. The replica
lags the primary: another request may see a change only after the lag. Raw
SQL through `django.db.connection` always runs on the primary.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"

# Who may do what: read where the latest change is.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "accounts", "axes"})

# True outside a request, and in a request from its first write on. A context
# variable: each thread (and each asyncio task) has its own.
_reads_from_primary = ContextVar("reads_from_primary", default=True)


@contextmanager
def replica_reads():
    """Within the block, reads go to the replica until the first write."""
    token = _reads_from_primary.set(False)
    try:
        yield
    finally:
        _reads_from_primary.reset(token)


class ReplicaReadsMiddleware:
    """Make each request start reading from the replica.

    Listed before any middleware that reads the database. Harmless without a
    replica: no router then asks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with replica_reads():
            return self.get_response(request)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _reads_from_primary.get()
            or connections[PRIMARY].in_atomic_block
            or model._meta.app_label in PRIMARY_ONLY_APPS
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        # Also asked for select_for_update(), get_or_create() and the like.
        _reads_from_primary.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read from the replica
        # may be linked to one read from the primary.
        aliases = {PRIMARY, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema through replication.
        return db == PRIMARY
