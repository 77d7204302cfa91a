"""Import batches in the admin: who imported what, when, and Undo."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm.transfer.models import ImportBatch
from crm.transfer.undo import undo_batch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only; everyone on staff sees their own imports, superusers all of them.

    Imports are started from each list's "Import" button.
    """

    list_display = [
        "__str__",
        "resource",
        "status",
        "created_by",
        "imported_at",
        "rows_created",
        "rows_updated",
        "rows_skipped",
        "undo",
    ]
    list_filter = ["status", "resource"]
    list_select_related = ["created_by"]
    search_fields = ["file_name"]
    fields = [
        "resource",
        "file_name",
        "status",
        "created_by",
        "created_at",
        "imported_at",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_skipped",
        "undone_by",
        "undone_at",
    ]
    readonly_fields = fields
    undo_template = "admin/transfer/undo.html"

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).exclude(status=ImportBatch.Status.PREVIEWED)
        )
        if request.user.is_superuser:
            return queryset
        return queryset.filter(created_by=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:batch_id>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="transfer_importbatch_undo",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="")
    def undo(self, obj):
        if obj.status != ImportBatch.Status.IMPORTED:
            return ""
        url = reverse(
            f"{self.admin_site.name}:transfer_importbatch_undo", args=[obj.pk]
        )
        return format_html('<a href="{}">Undo</a>', url)

    def undo_view(self, request, batch_id):
        """GET: what Undo will do; POST: do it, or say why it cannot."""
        batch = get_object_or_404(self.get_queryset(request), pk=batch_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        changelist = reverse(f"{self.admin_site.name}:transfer_importbatch_changelist")
        if request.method == "POST":
            try:
                undo_batch(batch=batch, user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(batch)s undone.") % {"batch": batch},
                    messages.SUCCESS,
                )
            return redirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Undo {batch}",
            "opts": self.opts,
            "batch": batch,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.undo_template, context)
