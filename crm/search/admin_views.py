"""/admin/search/?q=: the header's search box, in the admin's look."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse

from crm.search.search import MAX_LENGTH, MIN_LENGTH, kinds_for, search

# Results per kind; the list of each kind finds the rest ("All matching …").
PER_KIND = 10


def search_view(request):
    """Every kind the user may view, grouped, best matches first."""
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    text = request.GET.get("q", "").strip()[:MAX_LENGTH]
    found = search(request.user, text, kinds=kinds, limit=PER_KIND)
    groups = [
        {
            "kind": kind,
            "results": [
                (result, reverse(kind.admin_url_name, args=[result.id]))
                for result in results
            ],
            # Only where the list's own search finds the same kind of text.
            "list_url": (
                f"{reverse(kind.changelist_url_name)}?{urlencode({'q': text})}"
            ),
        }
        for kind, results in found.items()
    ]
    context = {
        **admin.site.each_context(request),
        "title": f"Search: {text}" if text else "Search",
        "query": text,
        "too_short": 0 < len(text) < MIN_LENGTH,
        "min_length": MIN_LENGTH,
        "groups": groups,
    }
    return TemplateResponse(request, "search/admin_search.html", context)
