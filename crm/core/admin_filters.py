"""Admin list filters shared by the CRM apps."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _

from crm.core.models import Sector, UnknownSectors

# Non-breaking, so the browser keeps the indentation of the sector tree.
INDENT = "\u00a0" * 4


def sector_tree_choices():
    """(slug, indented name) for every sector, each parent followed by its children."""
    children = {}
    for pk, slug, name, parent_id in Sector.objects.values_list(
        "pk", "slug", "name", "parent_id"
    ):
        children.setdefault(parent_id, []).append((pk, slug, name))
    choices = []
    stack = [(*sector, 0) for sector in reversed(children.get(None, []))]
    while stack:
        pk, slug, name, depth = stack.pop()
        choices.append((slug, f"{INDENT * depth}{name}"))
        stack.extend((*child, depth + 1) for child in reversed(children.get(pk, [])))
    return choices


class SectorTreeFilter(admin.SimpleListFilter):
    """A sector and every sector below it: "Artificial intelligence" finds computer vision.

    Sectors are named by slug, as in the API (`?sector=computer-vision`), and
    the model's queryset does the filtering (`in_sectors`), so the admin and
    the API agree on what "in a sector" means.
    """

    title = _("sector")
    parameter_name = "sector"

    def lookups(self, request, model_admin):
        return sector_tree_choices()

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        self.check_sector(self.value())
        return queryset.in_sectors([self.value()])

    def check_sector(self, slug):
        # The choices listed in the sidebar are every sector: no query to
        # tell an unknown slug.
        if slug not in {choice for choice, _ in self.lookup_choices}:
            raise IncorrectLookupParameters(UnknownSectors([slug]))


class CompanySectorFilter(SectorTreeFilter):
    title = _("company sector")
