"""A changelist paginator whose count stops at a cap, so a page costs the same at
100 rows as at 1M.

Django's ChangeList reads `paginator.count` on every changelist, even with
`show_full_result_count = False`, and an exact COUNT(*) reads every matching
row. This paginator counts at most `max_count + 1` rows instead:

    SELECT COUNT(*) FROM (SELECT ... LIMIT max_count + 1)

Below the cap `count` is exact and the changelist reads as Django's does.
Above it `count` is `max_count` and `capped` is true: pages 1 to
`max_count / per_page` work, and the templates in crm/templates/admin/
(pagination.html, search_form.html, actions.html) say "more than 10,000"
instead of a number. Actions on "all matching" rows use the changelist's
queryset, not this count, so they still reach every matching row.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts matching rows up to `max_count`; `capped` says there are more."""

    max_count = 10_000

    @cached_property
    def _bounded_count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            # A list (or any non-queryset sequence) already sits in memory.
            return len(queryset)
        if not queryset.query.distinct_fields:
            # Only the primary key: a list's computed columns (last contact,
            # stake totals) are subqueries the count need not run per row;
            # filters on them stay. Ordering changes nothing in a count, and
            # without it the database need not sort before it stops.
            queryset = queryset.order_by().values("pk")
        return queryset[: self.max_count + 1].count()

    @property
    def capped(self):
        """True when more rows match than the paginator counted."""
        return self._bounded_count > self.max_count

    @cached_property
    def count(self):
        return min(self._bounded_count, self.max_count)
