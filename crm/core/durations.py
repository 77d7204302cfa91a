"""A whole number of days from a column, as a duration the database can subtract."""

from django.db.models import DurationField, Func


class Days(Func):
    """`expression` days as a DurationField, e.g. `Now() - Days("cadence_days")`.

    Django has no integer-to-duration conversion that both databases share:
    PostgreSQL multiplies an interval; SQLite stores durations as
    microseconds, which Django's own date arithmetic there expects.
    """

    arity = 1
    output_field = DurationField()
    template = "(%(expressions)s * 86400000000)"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(%(expressions)s * INTERVAL '1 day')",
            **extra_context,
        )
