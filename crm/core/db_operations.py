"""Migration operations that act on PostgreSQL only: trigram and NULLS LAST indexes.

Django compiles `icontains` on PostgreSQL to `UPPER(<lhs>::text) LIKE
UPPER('%text%')`, which no B-tree can serve. A GIN index with pg_trgm's
`gin_trgm_ops` on that same expression can, wherever the text sits in the
value. SQLite has neither the extension nor such indexes and scans (its
databases are small): there these operations do nothing.

The same goes for B-tree indexes that declare NULLS LAST, which SQLite's
CREATE INDEX cannot: they serve `ORDER BY x DESC NULLS LAST`, the order the
API gives a nullable column (crm.core.api.filters.StableOrderingFilter).

They leave the model state alone, so `makemigrations` neither writes them nor
misses them: the indexes live only in the migrations that create them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.models import F
from django.db.models.sql import Query


def on_postgresql(schema_editor):
    return schema_editor.connection.vendor == "postgresql"


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """`CREATE EXTENSION pg_trgm`, and its reverse, on PostgreSQL only.

    Django's operation skips other databases going forwards but not backwards.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if on_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if on_postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddTrigramIndex(Operation):
    """A GIN trigram index serving `<expression>__icontains` on PostgreSQL.

    `expression` is the lookup's left-hand side: a field name or an expression
    over the model's own columns (e.g. a Concat). The index is built on the
    SQL Django compiles for the lookup, so the planner recognises it.
    """

    reversible = True
    reduces_to_sql = True
    category = OperationCategory.ADDITION

    def __init__(self, model_name, name, expression):
        self.model_name = model_name
        self.name = name
        self.expression = expression

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self._applies(schema_editor, model):
            name = schema_editor.quote_name(self.name)
            table = schema_editor.quote_name(model._meta.db_table)
            indexed = self.indexed_sql(model, schema_editor)
            schema_editor.execute(
                f"CREATE INDEX {name} ON {table} USING gin (({indexed}) gin_trgm_ops)"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self._applies(schema_editor, model):
            schema_editor.execute(
                f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}"
            )

    def indexed_sql(self, model, schema_editor):
        """UPPER(<expression>::text), as the `icontains` lookup writes it."""
        connection = schema_editor.connection
        expression = self.expression
        if isinstance(expression, str):
            expression = F(expression)
        query = Query(model, alias_cols=False)
        resolved = expression.resolve_expression(query, allow_joins=False)
        sql, params = query.get_compiler(connection=connection).compile(resolved)
        sql %= tuple(schema_editor.quote_value(param) for param in params)
        cast = connection.ops.lookup_cast(
            "icontains", resolved.output_field.get_internal_type()
        )
        return cast % sql

    def _applies(self, schema_editor, model):
        return on_postgresql(schema_editor) and self.allow_migrate_model(
            schema_editor.connection.alias, model
        )

    def describe(self):
        return f"Create trigram index {self.name} on {self.model_name} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.name.lower()}"


class AddIndexOnPostgreSQL(Operation):
    """Create `index` (a models.Index) on PostgreSQL only; drop it when reversed."""

    reversible = True
    reduces_to_sql = True
    category = OperationCategory.ADDITION

    def __init__(self, model_name, index):
        self.model_name = model_name
        self.index = index

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if on_postgresql(schema_editor) and self.allow_migrate_model(
            schema_editor.connection.alias, model
        ):
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if on_postgresql(schema_editor) and self.allow_migrate_model(
            schema_editor.connection.alias, model
        ):
            schema_editor.remove_index(model, self.index)

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.index.name.lower()}"
