"""Admin for sectors and exchange rates, and the base every CRM admin builds on."""

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count

from crm.core.admin_conflicts import EditConflictsMixin
from crm.core.admin_history import RecordHistoryAdmin
from crm.core.admin_pagination import CappedCountPaginator
from crm.core.deletion import delete_record
from crm.core.models import ExchangeRate, Sector, Team
from crm.core.services import record_save
from crm.transfer.admin_lists import TransferAdminMixin

admin.site.site_header = "Investor CRM"
admin.site.site_title = "Investor CRM"
admin.site.index_title = "Deal team"


def format_usd(value):
    """ "$1,200,000,000" for a list column; whole dollars read faster than cents."""
    if value is None:
        return None
    return f"${value:,.0f}"


def _visible(queryset, user):
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    return queryset


class VisibleRecordsMixin:
    """Lists, pages and choices hold only what the user may see.

    Ethical walls (crm.core.visibility) apply to the admin through the same
    querysets as the API: a hidden record is missing from lists, its page is
    "not found", and it is never offered in a select or autocomplete.
    """

    def get_queryset(self, request):
        return _visible(super().get_queryset(request), request.user)

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


class CrmModelAdmin(VisibleRecordsMixin, EditConflictsMixin, RecordHistoryAdmin):
    """Saves through the services and shows who and when read-only.

    Subclasses declare `fieldsets`; the "Record" fieldset (`record_fields`) is
    added on existing records only, where those values mean something.
    History and "Recently deleted" pages: crm.core.admin_history.
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
                ("Record", {"fields": self.record_fields, "classes": ["collapse"]})
            )
        return fieldsets

    def save_model(self, request, obj, form, change):
        record_save(instance=obj)

    def delete_model(self, request, obj):
        # The admin's confirmation page has refused protected records already.
        delete_record(obj)

    def delete_queryset(self, request, queryset):
        # One by one, not a bulk DELETE: each deletion is recorded in the
        # history and refreshes the figures its record fed.
        with transaction.atomic():
            for obj in queryset:
                delete_record(obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows go through `record_save` too, so every rule runs on them."""
        instances = formset.save(commit=False)
        # Deletion was vetted by the inline form (protected rows refuse it).
        for obj in formset.deleted_objects:
            delete_record(obj)
        for obj in instances:
            record_save(instance=obj)
        formset.save_m2m()


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

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count
