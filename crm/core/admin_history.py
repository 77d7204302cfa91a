"""History in the admin: each record's changes, and restoring deleted records.

Every CRM admin (through CrmModelAdmin) gets simple-history's History page,
whose "Changes" column shows each changed field's old → new value, and a
"Recently deleted" page (linked from its list) where a user with the model's
add permission restores a record with one click. History itself is never
edited here: the historical models have no admin, and "revert" (choosing an
old version on the History page) saves the record again, a new entry.

The ethical walls apply: a record the user may not see has no History page
(the admin answers as for a missing record); its page and revert forms leave
out the entries of times it was hidden from the user, and a deleted one is
listed only if its last values are visible to the user
(crm.core.history_visibility).
"""

from itertools import pairwise

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from crm.core.changes import HiddenReferences, shown_fields
from crm.core.history import one_entry_per_record
from crm.core.history_visibility import visible_entries
from crm.core.restore import deleted_records, record_restore


class VisibleChangesHelper(HistoricalRecordContextHelper):
    """The "Changes" column, with references to hidden records shown as None."""

    def __init__(self, model, record, hidden):
        super().__init__(model, record)
        self.hidden = hidden

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if (
            field.many_to_one
            and value is not None
            and self.hidden.hides(change.field, value.pk)
        ):
            return None
        return super().prepare_delta_change_value(change, value)


def describe(entry):
    """A deleted record's name, from its last history entry."""
    instance = entry.instance
    # The entry's related records were selected with it: reuse them.
    for field in instance._meta.concrete_fields:
        if field.many_to_one:
            copy = entry._meta.get_field(field.name)
            if copy.is_cached(entry):
                field.set_cached_value(instance, copy.get_cached_value(entry))
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{capfirst(instance._meta.verbose_name)} {instance.pk}"


def explain(model, error):
    """A ValidationError as one sentence per field, named by its label."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, field_messages in error.message_dict.items():
        try:
            label = f"{capfirst(model._meta.get_field(name).verbose_name)}: "
        except FieldDoesNotExist:
            label = "" if name == NON_FIELD_ERRORS else f"{name}: "
        parts.append(label + " ".join(field_messages))
    return " ".join(parts)


class RecordHistoryAdmin(SimpleHistoryAdmin):
    recently_deleted_template = "admin/recently_deleted.html"
    recently_deleted_per_page = 100

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.recently_deleted_view),
                name="{}_{}_recently_deleted".format(*info),
            ),
            path(
                "deleted/<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # The object-tools link (templates/admin/change_list_object_tools.html).
        extra_context = {
            "recently_deleted_url": self._url("recently_deleted"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The record and its many-to-many sets, saved in steps: one entry.
        with one_entry_per_record():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history would fall back to the history of a record the user
        # cannot get (deleted, or behind an ethical wall): answer as Django
        # does for a missing record.
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # Entries of the record while it was hidden from this user are left
        # out (crm.core.history_visibility).
        return visible_entries(
            self.model,
            super().get_history_queryset(request, history_manager, pk_name, object_id),
            request.user,
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # An old version of a visible record, as the user could see it then,
        # only; reverting saves it again.
        if self.get_object(request, unquote(object_id)) is None or not (
            self._visible_version(request, unquote(object_id), version_id)
        ):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        with one_entry_per_record():
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )

    def _visible_version(self, request, object_id, version_id):
        if not str(version_id).isdigit():
            return False
        version = self.model.history.filter(
            **{self.opts.pk.attname: object_id, "history_id": version_id}
        )
        return visible_entries(self.model, version, request.user).exists()

    def set_history_delta_changes(
        self, request, historical_records, foreign_keys_are_objs=True
    ):
        """Each entry's changes from the one before it, every shown field compared.

        The library compares the form fields only; this compares the USD values
        and who logged an entry too. A deletion shows no changes (Django has
        emptied its many-to-many sets before the snapshot).
        """
        records = list(historical_records)
        hidden = HiddenReferences(self.model, records, request.user)
        fields = shown_fields(self.model)
        for record, older in pairwise(records):
            if record.history_type == "-":
                continue
            delta = record.diff_against(
                older,
                included_fields=fields,
                foreign_keys_are_objs=foreign_keys_are_objs,
            )
            helper = VisibleChangesHelper(self.model, record, hidden)
            record.history_delta_changes = helper.context_for_delta_changes(delta)

    def recently_deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        entries = deleted_records(
            self.model, request.user
        )._select_related_history_tracked_objs()
        page = Paginator(entries, self.recently_deleted_per_page).get_page(
            request.GET.get(PAGE_VAR)
        )
        pk_name = self.opts.pk.attname
        context = {
            **self.admin_site.each_context(request),
            "title": _("Recently deleted %(records)s")
            % {"records": self.opts.verbose_name_plural},
            "opts": self.opts,
            "page_obj": page,
            "page_var": PAGE_VAR,
            "rows": [
                {"entry": entry, "pk": getattr(entry, pk_name), "name": describe(entry)}
                for entry in page
            ],
            "can_restore": self.has_add_permission(request),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.recently_deleted_template, context)

    def restore_view(self, request, object_id):
        """POST: bring a record listed on the recently deleted page back."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            pk = self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        entry = (
            deleted_records(self.model, request.user)
            .filter(**{self.opts.pk.attname: pk})
            .first()
        )
        if entry is None:
            # Never deleted, already restored, or hidden by an ethical wall.
            raise Http404
        name = self.opts.verbose_name
        try:
            restored = record_restore(
                model=self.model,
                pk=pk,
                user=request.user,
                save=lambda instance, many_to_many: self.save_record(
                    request, instance, many_to_many
                ),
            )
        except ValidationError as error:
            self.message_user(
                request,
                _("The %(name)s “%(record)s” was not restored: %(reason)s")
                % {
                    "name": name,
                    "record": describe(entry),
                    "reason": explain(self.model, error),
                },
                messages.ERROR,
            )
            return redirect(self._url("recently_deleted"))
        self.log_addition(request, restored, "Restored from its history.")
        self.message_user(
            request,
            _("The %(name)s “%(record)s” was restored.")
            % {"name": name, "record": restored},
            messages.SUCCESS,
        )
        return redirect(self._url("change", restored.pk))

    def _url(self, view, *args):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            args=args,
        )
