"""`GET /api/v1/<resource>/<id>/history/`: a record's changes, newest first.

Read-only: history is written by the recorder (crm.core.history) and never
changed by the API. The record is found with the viewset's `get_object()`, so
its history needs the resource's view permission and is a 404 wherever the
record is (hidden behind an ethical wall, or deleted).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from crm.core.api.pagination import PageNumberPagination
from crm.core.changes import EntryReader
from crm.core.history import one_entry_per_record
from crm.core.history_visibility import visible_entries


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("The field's name, as in the resource."))
    old = serializers.JSONField(
        allow_null=True,
        help_text=_(
            "The value before (null for a creation). Written as the "
            "resource writes it (decimals as strings, dates ISO 8601); relations "
            "and many-to-many sets as ids; a record you may not see as null."
        ),
    )
    new = serializers.JSONField(
        allow_null=True, help_text=_("The value after (null for a deletion).")
    )


class HistoryEntrySerializer(serializers.Serializer):
    changed_at = serializers.DateTimeField()
    changed_by = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "The id of the user who made the change; null for changes made by commands."
        ),
    )
    change = serializers.ChoiceField(choices=["created", "updated", "deleted"])
    reason = serializers.CharField(
        allow_null=True,
        help_text=_(
            'Why, when the CRM knows: "Restored" for a record brought '
            'back from the recently deleted, "Sector “...” deleted" for a change '
            "that deleting another record made."
        ),
    )
    changes = FieldChangeSerializer(
        many=True,
        help_text=_(
            "Each changed field, by name; every field for a creation or a deletion."
        ),
    )


class RecordHistoryMixin:
    """The history route, and one history entry per record per API write."""

    def create(self, request, *args, **kwargs):
        with one_entry_per_record():
            return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        with one_entry_per_record():
            return super().update(request, *args, **kwargs)

    @extend_schema(
        summary="The record's history",
        description=_(
            "Every change to the record, newest first: when, by "
            "whom, and each field's old and new value."
        ),
        responses=HistoryEntrySerializer(many=True),
    )
    # Numbered pages whatever the resource's list uses: a page is compared
    # with the entry just before it (self.paginator.page below).
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=PageNumberPagination,
    )
    def history(self, request, pk=None):
        record = self.get_object()
        # Entries of the record while it was hidden from this user are left
        # out (crm.core.history_visibility).
        entries = visible_entries(
            type(record), record.history.all(), request.user
        ).order_by("-history_date", "-history_id")
        page = self.paginate_queryset(entries)
        # The page's oldest entry is compared with the one just before it.
        shown = self.paginator.page
        end = shown.end_index()
        older = entries[end : end + 1] if shown.has_next() else []
        reader = EntryReader(type(record), [*page, *older], request.user)
        serializer = HistoryEntrySerializer(reader.entries(len(page)), many=True)
        return self.get_paginated_response(serializer.data)
