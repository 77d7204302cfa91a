"""The search's query parameters and its typed results."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.search.search import KINDS, KINDS_BY_NAME, MAX_LENGTH, MIN_LENGTH

MAX_PER_KIND = 20


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        help_text=_(
            "The words to find: part of a name, alias, e-mail address, "
            "website domain, round or note title or body."
        ),
    )
    kind = serializers.CharField(
        required=False,
        help_text="Kinds, any of (comma-separated): "
        + ", ".join(kind.name for kind in KINDS)
        + ". Every kind you may view by default.",
    )
    limit = serializers.IntegerField(
        required=False,
        default=5,
        min_value=1,
        max_value=MAX_PER_KIND,
        help_text=f"Results per kind, best first (1 to {MAX_PER_KIND}; 5 by default).",
    )

    def validate_kind(self, value):
        names = value.split(",")
        unknown = [name for name in names if name not in KINDS_BY_NAME]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown kinds: {', '.join(unknown)}. Use any of: "
                + ", ".join(KINDS_BY_NAME)
                + "."
            )
        return set(names)


class SearchResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[kind.name for kind in KINDS],
        help_text=_("What the record is; its API resource is the plural."),
    )
    id = serializers.IntegerField()
    title = serializers.CharField(help_text=_("The record's name, as lists show it."))
    subtitle = serializers.CharField(
        allow_blank=True, help_text=_("What tells it apart: where, what, about what.")
    )
    url = serializers.URLField(help_text=_("Its page in the admin."))
    api_url = serializers.URLField(help_text=_("The record in this API."))


class SearchResponseSerializer(serializers.Serializer):
    results = SearchResultSerializer(
        many=True,
        help_text=_(
            "Grouped by kind (in the order of `kind`'s list), best matches "
            "first within each, at most `limit` per kind: a capped list, not pages."
        ),
    )
