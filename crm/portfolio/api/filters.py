"""Query parameters of the companies, rounds and stakes lists (amounts in USD)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from crm.core.api.filters import (
    ExternalIdFilterSet,
    NumberInFilter,
    SectorFilter,
    StrictBooleanFilter,
    choices_filter,
    country_filter,
    ids_filter,
    ordering_filter,
)
from crm.portfolio.models import Company, FundingRound, Stake


def sector_filter(help_text):
    return SectorFilter(field_name="sector", lookup_expr="in", help_text=help_text)


def usd_filter(field_name, lookup_expr, help_text):
    return filters.NumberFilter(
        field_name=field_name, lookup_expr=lookup_expr, help_text=help_text
    )


def date_filter(field_name, lookup_expr, help_text):
    return filters.DateFilter(
        field_name=field_name, lookup_expr=lookup_expr, help_text=help_text
    )


class CompanyFilterSet(ExternalIdFilterSet):
    sector = sector_filter("Sector slugs, any of; each includes its sub-sectors.")
    country = country_filter()
    status = choices_filter("status", Company.Status.choices, "Statuses, any of.")
    investor = NumberInFilter(
        field_name="stakes__investor",
        method="filter_investor",
        help_text=_("Investor ids, any of: companies with a stake from one of them."),
    )
    valuation_min = usd_filter(
        "latest_valuation_usd", "gte", "Latest valuation of at least this many USD."
    )
    valuation_max = usd_filter(
        "latest_valuation_usd", "lte", "Latest valuation of at most this many USD."
    )
    search = filters.CharFilter(
        field_name="name",
        method="filter_search",
        help_text=_("Part of the name or of one of the aliases, any case."),
    )
    ordering = ordering_filter(
        "name",
        "latest_valuation_usd",
        "total_raised_usd",
        "created_at",
        # A sum of no rounds is 0: the stored column's plain index serves both ways.
        never_null=("total_raised_usd",),
    )

    class Meta:
        model = Company
        fields = []

    def filter_investor(self, queryset, name, value):
        if not value:
            return queryset
        # Only stakes the requesting user may see reveal a holding.
        return queryset.with_stake(self.request.user, investor__in=value)

    def filter_search(self, queryset, name, value):
        return queryset.matching(value)


class FundingRoundFilterSet(ExternalIdFilterSet):
    company = ids_filter("company", "Company ids, any of.")
    stage = choices_filter("stage", FundingRound.Stage.choices, "Stages, any of.")
    status = choices_filter("status", FundingRound.Status.choices, "Statuses, any of.")
    sector = sector_filter(
        "Sector slugs of the company, any of; each includes its sub-sectors."
    )
    country = country_filter(
        "company__country", "ISO 3166-1 alpha-2 codes of the company, any of."
    )
    size_min = usd_filter(
        "target_amount_usd", "gte", "Target amount of at least this many USD."
    )
    size_max = usd_filter(
        "target_amount_usd", "lte", "Target amount of at most this many USD."
    )
    announced_after = date_filter(
        "announced_on", "gte", "Announced on or after this date (YYYY-MM-DD)."
    )
    announced_before = date_filter(
        "announced_on", "lte", "Announced on or before this date (YYYY-MM-DD)."
    )
    ordering = ordering_filter(
        "announced_on", "target_amount_usd", "raised_amount_usd", "raised_usd"
    )

    class Meta:
        model = FundingRound
        fields = []


class StakeFilterSet(ExternalIdFilterSet):
    investor = ids_filter("investor", "Investor ids, any of.")
    company = ids_filter("company", "Company ids, any of.")
    round = ids_filter("round", "Funding round ids, any of.")
    status = choices_filter("status", Stake.Status.choices, "Statuses, any of.")
    is_lead = StrictBooleanFilter(
        field_name="is_lead",
        lookup_expr="exact",
        help_text=_("true: only lead investors' stakes; false: only the others."),
    )
    sector = sector_filter(
        "Sector slugs of the company, any of; each includes its sub-sectors."
    )
    country = country_filter(
        "company__country", "ISO 3166-1 alpha-2 codes of the company, any of."
    )
    investor_country = country_filter(
        "investor__country", "ISO 3166-1 alpha-2 HQ countries of the investor, any of."
    )
    amount_min = usd_filter("amount_usd", "gte", "Amount of at least this many USD.")
    amount_max = usd_filter("amount_usd", "lte", "Amount of at most this many USD.")
    as_of_after = date_filter(
        "as_of", "gte", "Figures as of this date (YYYY-MM-DD) or later."
    )
    as_of_before = date_filter(
        "as_of", "lte", "Figures as of this date (YYYY-MM-DD) or earlier."
    )
    ordering = ordering_filter("amount_usd", "as_of", "created_at")

    class Meta:
        model = Stake
        fields = []
