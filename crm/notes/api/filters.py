"""Query parameters of the contact log and deal notes."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from crm.core.api.filters import (
    ExternalIdFilterSet,
    IsoDateTimeFilter,
    NumberInFilter,
    StrictBooleanFilter,
    choices_filter,
    ids_filter,
    ordering_filter,
)
from crm.notes.models import DealNote, Interaction, InteractionContact


class InteractionFilterSet(ExternalIdFilterSet):
    investor = ids_filter("investor", "Investor ids, any of.")
    company = ids_filter("company", "Company ids, any of.")
    round = ids_filter("round", "Funding round ids, any of.")
    contact = NumberInFilter(
        field_name="contacts__id",
        lookup_expr="in",
        method="filter_contact",
        help_text=_(
            "Contact ids: interactions where any of these people were present."
        ),
    )
    kind = choices_filter(
        "kind", Interaction.Kind.choices, "Kinds, any of (e.g. call,meeting)."
    )
    logged_by = ids_filter("logged_by", "Ids of the users who logged them, any of.")
    occurred_after = IsoDateTimeFilter(
        field_name="occurred_at",
        lookup_expr="gte",
        help_text=_("Occurred at or after this ISO 8601 date-time."),
    )
    occurred_before = IsoDateTimeFilter(
        field_name="occurred_at",
        lookup_expr="lte",
        help_text=_("Occurred at or before this ISO 8601 date-time."),
    )
    follow_up_due = StrictBooleanFilter(
        field_name="follow_up_on",
        method="filter_follow_up_due",
        help_text=_(
            "true: a follow-up dated today or earlier and not done yet; "
            "false: every other interaction."
        ),
    )
    search = filters.CharFilter(
        field_name="summary",
        method="filter_search",
        help_text=_("Part of the summary or the details, case-insensitive."),
    )
    ordering = ordering_filter("occurred_at")

    class Meta:
        model = Interaction
        fields = []

    def filter_contact(self, queryset, name, value):
        # EXISTS rather than a join: no duplicate rows, no DISTINCT.
        present = InteractionContact.objects.filter(
            interaction=OuterRef("pk"), contact__in=value
        )
        return queryset.filter(Exists(present))

    def filter_follow_up_due(self, queryset, name, value):
        if value:
            return queryset.follow_up_due()
        return queryset.exclude(pk__in=Interaction.objects.follow_up_due().values("pk"))

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(summary__icontains=value) | Q(details__icontains=value)
        )


class DealNoteFilterSet(ExternalIdFilterSet):
    investor = ids_filter("investor", "Investor ids, any of.")
    company = ids_filter("company", "Company ids, any of.")
    round = ids_filter("round", "Funding round ids, any of.")
    pinned = StrictBooleanFilter(
        field_name="pinned",
        lookup_expr="exact",
        help_text=_("true: pinned notes only; false: the others."),
    )
    search = filters.CharFilter(
        field_name="title",
        method="filter_search",
        help_text=_("Part of the title or the body, case-insensitive."),
    )

    class Meta:
        model = DealNote
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))
