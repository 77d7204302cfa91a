"""Query parameters of the investor and contact lists."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES

from crm.core.api.filters import (
    ChoiceInFilter,
    ExternalIdFilterSet,
    NumberInFilter,
    SectorFilter,
    StrictBooleanFilter,
    choices_filter,
    country_filter,
    every_slug_named,
    ids_filter,
    ordering_filter,
)
from crm.investors.models import Contact, Investor
from crm.investors.names import name_expressions


def _names():
    """A person's name in both orders: "Oliver Grant" and 王军 (crm.investors.names)."""
    return {
        f"full_name_{number}": expression
        for number, expression in enumerate(name_expressions())
    }


def _any_name_contains(value):
    return Q(full_name_0__icontains=value) | Q(full_name_1__icontains=value)


def _stake_statuses():
    # Read through the reverse relation: the investors app does not import
    # crm.portfolio, which depends on it. (URLs load after the app registry,
    # so the relation exists by the time this module is imported.)
    stake = Investor._meta.get_field("stakes").related_model
    return stake._meta.get_field("status").choices


class StakeExistsInFilter(NumberInFilter):
    """Ids, any of, matched by at least one stake (`field_name` = stakes__...).

    EXISTS rather than a join through a to-many relation: an investor with
    two matching stakes is listed once, without DISTINCT.
    """

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        # Only stakes the requesting user may see reveal a holding.
        return qs.with_stake(
            self.parent.request.user,
            **{
                f"{self.field_name.removeprefix('stakes__')}__{self.lookup_expr}": value
            },
        )


class InvestorFilterSet(ExternalIdFilterSet):
    # Conditions on one stake: given together, the same stake meets them all.
    HOLDING_PARAMETERS = ("portfolio_sector", "stake_min", "stake_max", "stake_status")

    sector = SectorFilter(
        field_name="sectors",
        lookup_expr="in",
        help_text=_(
            "The investor's declared focus sectors (slugs, any of); a sector "
            "includes its sub-sectors. For what it holds, see portfolio_sector."
        ),
    )
    portfolio_sector = SectorFilter(
        method="filter_holding",
        help_text=_(
            "Invests in: has a held stake (or one of stake_status) in a "
            "company of one of these sectors (slugs, any of) or their sub-sectors. "
            "With stake_min, stake_max or stake_status, the same stake meets them all."
        ),
    )
    country = country_filter(
        help_text=_("HQ country: ISO 3166-1 alpha-2 codes, any of.")
    )
    kind = choices_filter("kind", Investor.Kind.choices, "Investor kinds, any of.")
    stake_min = filters.NumberFilter(
        method="filter_holding",
        help_text=_(
            "Has a held stake (committed or closed; or one of stake_status) "
            "of at least this many USD, meeting portfolio_sector and stake_max too."
        ),
    )
    stake_max = filters.NumberFilter(
        method="filter_holding",
        help_text=_(
            "Has a held stake (committed or closed; or one of stake_status) "
            "of at most this many USD, meeting portfolio_sector and stake_min too."
        ),
    )
    stake_status = ChoiceInFilter(
        method="filter_holding",
        choices=_stake_statuses(),
        help_text=_(
            "Stake statuses, any of: the stakes that stake_min, stake_max and "
            "portfolio_sector look at instead of held ones; alone, investors with at "
            "least one stake in these statuses."
        ),
    )
    total_stake_min = filters.NumberFilter(
        field_name="total_stake_usd",
        lookup_expr="gte",
        method="filter_total_stake_min",
        help_text=_("total_stake_usd is at least this many USD."),
    )
    total_stake_max = filters.NumberFilter(
        field_name="total_stake_usd",
        lookup_expr="lte",
        help_text=_("total_stake_usd is at most this many USD."),
    )
    company = StakeExistsInFilter(
        field_name="stakes__company",
        lookup_expr="in",
        help_text=_("Company ids, any of: has a stake (any status) in one of them."),
    )
    search = filters.CharFilter(
        method="filter_search",
        help_text=_(
            "Part of the name, an alias or the description, or of a "
            "contact's name or email."
        ),
    )
    ordering = ordering_filter(
        "name",
        "total_stake_usd",
        "largest_stake_usd",
        "last_interaction_at",
        "created_at",
        "updated_at",
        # A sum of no stakes is 0 (with_figures), so the stored total's
        # index serves the sort.
        never_null=["total_stake_usd"],
    )
    going_cold = StrictBooleanFilter(
        method="filter_going_cold",
        help_text=_(
            "true: investors you own that have a contact cadence "
            "(contact_cadence_days) and were not contacted within it, or never, "
            "the longest silent first unless `ordering` says otherwise; false: "
            "every other investor."
        ),
    )

    class Meta:
        model = Investor
        fields = []

    def filter_total_stake_min(self, queryset, name, value):
        """total_stake_usd >= value, as the requesting user's figures say."""
        return queryset.stake_total_at_least(value, self.request.user)

    def filter_holding(self, queryset, name, value):
        """One EXISTS over the stakes for every holding parameter given.

        django-filter calls this once per parameter; the first one given
        applies them all, the others find their condition already there.
        """
        given = {
            parameter: self.form.cleaned_data[parameter]
            for parameter in self.HOLDING_PARAMETERS
            if self.form.cleaned_data.get(parameter) not in EMPTY_VALUES
        }
        if name != next(iter(given)):
            return queryset
        if sectors := given.get("portfolio_sector"):
            queryset = every_slug_named(queryset, sectors, "portfolio_sector")
        return queryset.holding(
            self.request.user,
            statuses=given.get("stake_status"),
            amount_min=given.get("stake_min"),
            amount_max=given.get("stake_max"),
            sectors=given.get("portfolio_sector"),
        )

    def filter_search(self, queryset, name, value):
        # The ids of one UNION, each side answered by trigram indexes on
        # PostgreSQL (migrations 0002_search_indexes): the few matches drive
        # the query. An OR across the investor's columns and its people would
        # test every investor.
        named = Investor.objects.filter(
            Q(name__icontains=value)
            | Q(aliases__icontains=value)
            | Q(description__icontains=value)
        ).values("pk")
        people = (
            Contact.objects.alias(**_names())
            .filter(_any_name_contains(value) | Q(email__icontains=value))
            .values("investor_id")
        )
        # No ORDER BY in either side: SQLite refuses one inside a UNION.
        return queryset.filter(pk__in=named.order_by().union(people.order_by()))

    def filter_going_cold(self, queryset, name, value):
        cold = queryset.going_cold(self.request.user)
        if not value:
            cold_ones = Investor.objects.going_cold(self.request.user)
            return queryset.exclude(pk__in=cold_ones.order_by().values("pk"))
        # An explicit `ordering` (applied before this filter) wins.
        if queryset.query.order_by:
            return cold.order_by(*queryset.query.order_by)
        return cold


class ContactFilterSet(ExternalIdFilterSet):
    investor = ids_filter("investor", "Investor ids, any of.")
    search = filters.CharFilter(
        method="filter_search",
        help_text=_("Part of the first or last name (or both), email or title."),
    )

    class Meta:
        model = Contact
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.alias(**_names()).filter(
            _any_name_contains(value)
            | Q(email__icontains=value)
            | Q(title__icontains=value)
        )
