"""The changes feed's cursor: each entry's place in commit order.

Ids are handed out when a row is inserted, not when its transaction commits:
on PostgreSQL a transaction that inserted id 7 may commit after another
inserted and committed id 8, and a reader that had read 8 would skip 7 for
ever. So the cursor (`commit_seq`) is assigned at commit:

- PostgreSQL: a deferred constraint trigger runs as the transaction commits,
  takes a transaction-scoped advisory lock and numbers the transaction's
  entries from a sequence. The lock is held until the commit has finished, so
  transactions number their entries one at a time in the order they commit,
  and a reader who sees cursor N has every committed entry below N. The lock
  is taken last, when the transaction does nothing else: no deadlock, and the
  wait is the length of a commit. Until its commit an entry has no cursor and
  readers skip it.
- SQLite: a writer holds the database's write lock from its first write to
  its commit, so ids are already in commit order: a trigger copies the id.
"""

from django.db import migrations

ADVISORY_LOCK_KEY = 7_110_402  # any constant the application uses for nothing else

POSTGRESQL = f"""
CREATE SEQUENCE integrations_changeentry_commit_seq;
CREATE FUNCTION integrations_changeentry_number() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({ADVISORY_LOCK_KEY});
    UPDATE integrations_changeentry
        SET commit_seq = nextval('integrations_changeentry_commit_seq')
        WHERE id = NEW.id;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER integrations_changeentry_commit_order
    AFTER INSERT ON integrations_changeentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION integrations_changeentry_number();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER integrations_changeentry_commit_order ON integrations_changeentry;
DROP FUNCTION integrations_changeentry_number();
DROP SEQUENCE integrations_changeentry_commit_seq;
"""
SQLITE = """
CREATE TRIGGER integrations_changeentry_commit_order
AFTER INSERT ON integrations_changeentry FOR EACH ROW
BEGIN
    UPDATE integrations_changeentry SET commit_seq = NEW.id WHERE id = NEW.id;
END;
"""
SQLITE_REVERSE = "DROP TRIGGER integrations_changeentry_commit_order;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE)
    else:
        raise NotImplementedError(f"No commit order for {vendor}.")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(
        POSTGRESQL_REVERSE if vendor == "postgresql" else SQLITE_REVERSE
    )


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_change_entries")]

    operations = [migrations.RunPython(forwards, backwards)]
