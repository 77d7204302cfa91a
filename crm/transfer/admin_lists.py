"""Export and Import on the admin's lists: a mixin for each CRM ModelAdmin.

"Export" downloads what the list shows, with its filters, search and order;
the actions export the selected rows. Columns are the API's
(crm.transfer.resources), the rows those the user may see (the list's own
queryset, walls included).
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse

from crm.transfer.exports import FORMATS, export_response
from crm.transfer.resources import export_columns

FORMAT_PARAMETER = "_format"


class TransferAdminMixin:
    actions = ["export_csv", "export_xlsx"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # The object-tools links (templates/admin/change_list_object_tools.html).
        url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_export"
        )
        query = request.GET.copy()
        links = []
        for fmt in FORMATS:
            query[FORMAT_PARAMETER] = fmt
            links.append((f"Export {fmt.upper()}", f"{url}?{query.urlencode()}"))
        extra_context = {"transfer_links": links, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The list as on screen (filters, search, ordering), every page of it."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.copy()
        fmt = query.pop(FORMAT_PARAMETER, ["csv"])[-1]
        if fmt not in FORMATS:
            raise Http404(f"No export format {fmt!r}.")
        # The changelist reads its filters from request.GET and refuses
        # parameters it does not know.
        request.GET = query
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect(f"{request.path.rsplit('export/', 1)[0]}?{ERROR_FLAG}=1")
        return self._export(changelist.queryset, fmt)

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description="Export selected to XLSX", permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    def _export(self, queryset, fmt):
        return export_response(queryset, export_columns(queryset.model), fmt)
