"""Admin for sectors and exchange rates, and the base every CRM admin builds on."""

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from crm.core.admin_conflicts import EditConflictsMixin
from crm.core.admin_deletion import deletion_preview, walled_inline_form
from crm.core.admin_history import RecordHistoryAdmin
from crm.core.admin_inlines import checking_parent_link
from crm.core.admin_pagination import CappedCountPaginator
from crm.core.admin_prefill import PrefillFromAddressMixin
from crm.core.deletion import delete_record
from crm.core.models import ExchangeRate, Sector, Team
from crm.core.services import record_save
from crm.core.writers import writing_as
from crm.transfer.admin_lists import TransferAdminMixin

admin.site.site_header = _("Investor CRM")
admin.site.site_title = _("Investor CRM")
admin.site.index_title = _("Deal team")


def _visible(queryset, user):
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    return queryset


class VisibleRecordsMixin:
    """Lists, pages and choices hold only what the user may see.

    Ethical walls (crm.portfolio.walls) apply to the admin through the same
    querysets as the API: a hidden record is missing from lists, its page is
    "not found", and it is never offered in a select or autocomplete.
    """

    def get_queryset(self, request):
        return _visible(super().get_queryset(request), request.user)

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines: rows checked against every constraint before the save, and
        # deleting a protected row names only what the user may see.
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = walled_inline_form(
            checking_parent_link(formset.form), request.user
        )
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = _visible(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.queryset = _visible(field.queryset, request.user)
        return field


class CrmModelAdmin(
    PrefillFromAddressMixin, VisibleRecordsMixin, EditConflictsMixin, RecordHistoryAdmin
):
    """Saves through the services and shows who and when read-only.

    Subclasses declare `fieldsets`; the "Record" fieldset (`record_fields`) is
    added on existing records only, where those values mean something.
    History and "Recently deleted" pages: crm.core.admin_history. Pre-filled
    add forms: crm.core.admin_prefill.
    """

    record_fields = ("created_at", "updated_at")
    # Counts at most 10,000 matching rows: a changelist costs the same at 1M.
    paginator = CappedCountPaginator
    # Django 6's default; a website typed without a scheme is https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.record_fields)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(
                (_("Record"), {"fields": self.record_fields, "classes": ["collapse"]})
            )
        return fieldsets

    # The write path of this admin's model; admins of models with a service
    # of their own (stakes, rounds) override these two.
    def save_record(self, request, obj, many_to_many=None):
        return record_save(instance=obj, many_to_many=many_to_many, user=request.user)

    def delete_record(self, request, obj):
        delete_record(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form validates before save_model: rules whose message depends
        # on what the writer may see read the user from here.
        with writing_as(request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        with writing_as(request.user):
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )

    def save_model(self, request, obj, form, change):
        self.save_record(request, obj)

    def get_deleted_objects(self, objs, request):
        # The delete pages (one record, "delete selected") name and count
        # only what the user may see.
        return deletion_preview(objs, request, self.admin_site)

    def delete_model(self, request, obj):
        # The admin's confirmation page has refused protected records already.
        self.delete_record(request, obj)

    def delete_queryset(self, request, queryset):
        # One by one, not a bulk DELETE: each deletion is recorded in the
        # history and refreshes the figures its record fed.
        with transaction.atomic():
            for obj in queryset:
                self.delete_record(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows go through their own model's write path, so every rule runs on them."""
        writer = self._admin_of(formset.model)
        instances = formset.save(commit=False)
        # Deletion was vetted by the inline form (protected rows refuse it).
        for obj in formset.deleted_objects:
            writer.delete_record(request, obj)
        for obj in instances:
            writer.save_record(request, obj)
        formset.save_m2m()

    def _admin_of(self, model):
        try:
            model_admin = self.admin_site.get_model_admin(model)
        except admin.sites.NotRegistered:
            return self
        return model_admin if isinstance(model_admin, CrmModelAdmin) else self


@admin.register(Sector)
class SectorAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = ["name", "parent", "slug"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [(None, {"fields": ["name", "slug", "parent"]})]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = ["currency", "usd_per_unit", "valid_from", "updated_at"]
    # Only the currencies that have rates, not all of ISO 4217.
    list_filter = [("currency", admin.AllValuesFieldListFilter)]
    list_select_related = []
    search_fields = ["currency"]
    autocomplete_fields = []
    date_hierarchy = "valid_from"
    fieldsets = [(None, {"fields": ["currency", "usd_per_unit", "valid_from"]})]


@admin.register(Team)
class TeamAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = ["name", "member_count", "updated_at"]
    list_filter = []
    list_select_related = []
    search_fields = ["name", "description"]
    autocomplete_fields = []
    filter_horizontal = ["members"]
    fieldsets = [(None, {"fields": ["name", "description", "members"]})]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count
