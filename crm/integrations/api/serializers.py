"""The changes feed as JSON (and as the schema documents it)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.integrations.models import ChangeEntry


class ChangeSerializer(serializers.Serializer):
    cursor = serializers.IntegerField(
        help_text=_("This change's place in commit order; pass it as `after`.")
    )
    resource = serializers.CharField(help_text=_("e.g. investors, stakes."))
    id = serializers.IntegerField(help_text=_("The record's id."))
    action = serializers.ChoiceField(
        choices=ChangeEntry.Action.choices,
        help_text=_(
            "As you see it: a record you could not see before appears "
            "as created, one you may no longer see as deleted."
        ),
    )
    occurred_at = serializers.DateTimeField()
    data = serializers.JSONField(
        allow_null=True,
        help_text=_(
            "The record as its resource shows it to you now; null for a "
            "deletion, and for a record deleted or hidden since (a later change "
            "says so)."
        ),
    )


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.IntegerField(
        help_text=_("Pass as `after` for the next page (the same when nothing is new).")
    )
    has_more = serializers.BooleanField(help_text=_("Another page is ready now."))
    latest_cursor = serializers.IntegerField(
        help_text=_(
            "The newest change so far: where a client that has just "
            "read the lists starts following the feed."
        )
    )
