"""Export and Import on the admin's lists: a mixin for each CRM ModelAdmin.

"Export" downloads what the list shows, with its filters, search and order;
the actions export the selected rows. Columns are the API's
(crm.transfer.resources), the rows those the user may see (the list's own
queryset, walls included). "Import" (on the lists that take imports) uploads
a file, shows its preview, and imports it on confirmation (crm.transfer.imports).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from crm.transfer.duplicates import FINDERS, candidates, likely_pairs
from crm.transfer.exports import FORMATS, export_response
from crm.transfer.files import ImportFileError
from crm.transfer.imports import (
    DUPLICATE,
    ERROR,
    UPDATE,
    ImportRefused,
    import_file,
    preview_file,
    start_batch,
)
from crm.transfer.merging import MERGEABLE, choosable_fields, merge_records
from crm.transfer.models import ImportBatch
from crm.transfer.resources import export_columns, import_resource, import_resource_for

FORMAT_PARAMETER = "_format"
# A preview page lists errors, duplicates and updates first, then the rest up to this.
PREVIEW_ROWS_SHOWN = 500
SHOWN_FIRST = (ERROR, DUPLICATE, UPDATE)


def _shown(record, field):
    value = getattr(record, field.name)
    if field.choices and not field.is_relation:
        return str(dict(field.flatchoices).get(value, value))
    return "" if value is None else str(value)


class DuplicateWarningForm(forms.ModelForm):
    """A new record like an existing one is refused until "create anyway" is ticked."""

    create_anyway = forms.BooleanField(
        required=False,
        label=_("Create anyway"),
        help_text=_("Tick if this is not one of the records it looks like."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("create_anyway") or self.errors:
            return cleaned_data
        model = self._meta.model
        names = {field.name for field in model._meta.concrete_fields}
        instance = model(**{k: v for k, v in cleaned_data.items() if k in names})
        found = candidates(instance)
        if found:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a> ({})',
                (
                    (
                        reverse(
                            f"admin:{model._meta.app_label}_{model._meta.model_name}"
                            "_change",
                            args=[candidate.record.pk],
                        ),
                        candidate.record,
                        candidate.reason,
                    )
                    for candidate in found
                ),
            )
            raise forms.ValidationError(
                format_html(
                    _("This looks like {}. Open it instead, or tick “Create anyway”."),
                    links,
                )
            )
        return cleaned_data


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=_("CSV (UTF-8 or GBK) or XLSX, first row naming the columns.")
    )


class TransferAdminMixin:
    actions = ["export_csv", "export_xlsx", "merge_selected"]
    merge_template = "admin/transfer/merge.html"
    duplicates_template = "admin/transfer/duplicates.html"

    import_template = "admin/transfer/import.html"
    preview_template = "admin/transfer/preview.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name="{}_{}_duplicates".format(*info),
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/<int:batch_id>/",
                self.admin_site.admin_view(self.import_preview_view),
                name="{}_{}_import_preview".format(*info),
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
            links.append(
                (
                    _("Export %(format)s") % {"format": fmt.upper()},
                    f"{url}?{query.urlencode()}",
                )
            )
        if self._can_import(request):
            links.append((_("Import"), self._url("import")))
        if self._mergeable():
            links.append((_("Duplicates"), self._url("duplicates")))
        extra_context = {"transfer_links": links, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None and self.model._meta.label_lower in FINDERS:
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (DuplicateWarningForm, base), {})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and self.model._meta.label_lower in FINDERS:
            fieldsets = [*fieldsets, (_("Duplicates"), {"fields": ["create_anyway"]})]
        return fieldsets

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

    @admin.action(description=_("Export selected to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description=_("Export selected to XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    def import_view(self, request):
        """Upload a file; its preview follows on its own page."""
        if not self._can_import(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > settings.TRANSFER_MAX_FILE_BYTES:
                    # Refused before reading it into memory.
                    raise ImportFileError(
                        _("The file is over the limit of %(megabytes).0f MB.")
                        % {"megabytes": settings.TRANSFER_MAX_FILE_BYTES / 1_000_000}
                    )
                data = upload.read()
                preview_file(self._resource_name(), upload.name, data, request.user)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                batch = start_batch(
                    self._resource_name(), upload.name, data, request.user
                )
                return redirect(self._url("import_preview", batch.pk))
        resource = import_resource(self._resource_name())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(records)s")
            % {"records": self.opts.verbose_name_plural},
            "opts": self.opts,
            "form": form,
            "columns": resource.columns,
            "required": resource.required,
            "limit_mb": settings.TRANSFER_MAX_FILE_BYTES / 1_000_000,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template, context)

    def import_preview_view(self, request, batch_id):
        """The preview of an uploaded file; POST imports it."""
        if not self._can_import(request):
            raise PermissionDenied
        batch = get_object_or_404(
            ImportBatch,
            pk=batch_id,
            created_by=request.user,
            status=ImportBatch.Status.PREVIEWED,
            resource=self._resource_name(),
        )
        skip_errors = request.POST.get("skip_errors") == "on"
        refused = None
        if request.method == "POST":
            try:
                import_file(batch, request.user, skip_errors=skip_errors)
            except ImportRefused as error:
                refused = error
            else:
                self.message_user(
                    request,
                    _(
                        "%(batch)s: %(created)s created, %(updated)s updated, "
                        "%(skipped)s skipped. Undo it from the import batches."
                    )
                    % {
                        "batch": batch,
                        "created": batch.rows_created,
                        "updated": batch.rows_updated,
                        "skipped": batch.rows_skipped,
                    },
                    messages.SUCCESS,
                )
                return redirect(self._url("changelist"))
        if refused is not None:
            preview = refused.preview
            self.message_user(request, str(refused), messages.ERROR)
        else:
            preview = preview_file(
                batch.resource, batch.file_name, bytes(batch.data), request.user
            )
        rows = sorted(preview.rows, key=lambda row: row.status not in SHOWN_FIRST)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview of %(file)s") % {"file": batch.file_name},
            "opts": self.opts,
            "batch": batch,
            "counts": preview.counts,
            "rows": rows[:PREVIEW_ROWS_SHOWN],
            "rows_hidden": max(0, len(rows) - PREVIEW_ROWS_SHOWN),
            "has_errors": bool(preview.counts[ERROR]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.preview_template, context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self._mergeable():
            actions.pop("merge_selected", None)
        return actions

    @admin.action(description=_("Merge selected"), permissions=["change"])
    def merge_selected(self, request, queryset):
        """Choose the survivor and each field's value, then merge (crm.transfer.merging)."""
        records = {record.pk: record for record in queryset}
        if len(records) < 2:
            self.message_user(
                request, _("Select two or more to merge."), messages.ERROR
            )
            return None
        fields = choosable_fields(self.model)
        if request.POST.get("confirm_merge"):
            try:
                survivor = records[int(request.POST["survivor"])]
                keep = {
                    field.name: records[int(request.POST[f"keep_{field.name}"])]
                    for field in fields
                    if request.POST.get(f"keep_{field.name}")
                }
            except (KeyError, ValueError):
                self.message_user(
                    request, _("Choose which record survives."), messages.ERROR
                )
                return None
            others = [record for pk, record in records.items() if pk != survivor.pk]
            try:
                merge_records(
                    survivor=survivor, others=others, keep=keep, user=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
                return None
            self.message_user(
                request,
                _("Merged %(count)s into “%(survivor)s”; their names are its aliases.")
                % {"count": len(others), "survivor": survivor},
                messages.SUCCESS,
            )
            return None
        rows = []
        for field in fields:
            values = [(pk, _shown(record, field)) for pk, record in records.items()]
            if len({value for _, value in values}) > 1:
                rows.append((field, values))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge %(records)s")
            % {"records": self.opts.verbose_name_plural},
            "opts": self.opts,
            "records": list(records.values()),
            "rows": rows,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.merge_template, context)

    def duplicates_view(self, request):
        """Likely pairs among the records the user may see, best first."""
        if not self._mergeable() or not self.has_view_or_change_permission(request):
            raise PermissionDenied
        pairs = likely_pairs(self.get_queryset(request).order_by())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Likely duplicate %(records)s")
            % {"records": self.opts.verbose_name_plural},
            "opts": self.opts,
            "pairs": pairs,
            "can_merge": self.has_change_permission(request),
            "changelist_url": self._url("changelist"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.duplicates_template, context)

    def _mergeable(self):
        return self.model._meta.label_lower in MERGEABLE

    def _can_import(self, request):
        return (
            self._resource_name() is not None
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def _resource_name(self):
        return import_resource_for(self.model)

    def _url(self, view, *args):
        name = f"{self.opts.app_label}_{self.opts.model_name}_{view}"
        return reverse(f"{self.admin_site.name}:{name}", args=args)

    def _export(self, queryset, fmt):
        return export_response(queryset, export_columns(queryset.model), fmt)
