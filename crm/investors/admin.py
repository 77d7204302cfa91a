"""Admin for investors and their contacts: where the deal team starts its day.

The investor page gets its stakes inline from crm.portfolio.admin and its
"Log a contact" button links to crm.notes by URL name: both apps depend on
this one, not the other way round.
"""

import re
from decimal import Decimal, InvalidOperation

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from crm.core.admin import CrmModelAdmin, VisibleRecordsMixin
from crm.core.admin_filters import SectorTreeFilter
from crm.core.aliases import AliasesField
from crm.core.money_format import format_usd
from crm.investors.models import Contact, Investor
from crm.investors.names import name_expressions
from crm.transfer.admin_lists import TransferAdminMixin

MILLION = Decimal(1_000_000)


class StakeSizeFilter(admin.SimpleListFilter):
    """Investors by their largest held stake in USD (see `with_figures`).

    "No held stakes" also holds investors whose stakes have no amount yet:
    they have no stake size to compare.
    """

    title = _("stake size")
    parameter_name = "stake_size"
    buckets = {
        "under_10m": (_("Under $10M"), Q(largest_stake_usd__lt=10 * MILLION)),
        "10m_100m": (
            _("$10M–$100M"),
            Q(largest_stake_usd__gte=10 * MILLION, largest_stake_usd__lt=100 * MILLION),
        ),
        "100m_1b": (
            _("$100M–$1B"),
            Q(
                largest_stake_usd__gte=100 * MILLION,
                largest_stake_usd__lt=1000 * MILLION,
            ),
        ),
        "1b_plus": (_("$1B and over"), Q(largest_stake_usd__gte=1000 * MILLION)),
        "none": (_("No held stakes"), Q(largest_stake_usd__isnull=True)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _condition) in self.buckets.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.buckets:
            return queryset
        _label, condition = self.buckets[self.value()]
        return queryset.filter(condition)


class FocusSectorFilter(SectorTreeFilter):
    """The investor's declared focus sectors (HoldingFilter: the sectors of what it holds)."""

    title = _("focus sector (declared)")


class HoldingFilter(SectorTreeFilter):
    """Investors holding a stake in a company of a sector, of at least / at most so many USD.

    The API's `portfolio_sector`, `stake_min` and `stake_max`, with the same
    meaning: one held stake meets every condition given
    (`InvestorQuerySet.holding`), so the admin and the API list the same
    investors. The sector links and a typed amount range share this filter,
    because they describe that one stake.
    """

    title = _("invests in (held stakes)")
    parameter_name = "portfolio_sector"
    amount_parameters = ("stake_min", "stake_max")
    template = "admin/investors/holding_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.amounts = {}
        for name in self.amount_parameters:
            if name in params:
                self.amounts[name] = params.pop(name)[-1]
                self.used_parameters[name] = self.amounts[name]

    def has_output(self):
        # The amount range applies with or without sectors to list.
        return True

    def expected_parameters(self):
        return [self.parameter_name, *self.amount_parameters]

    def choices(self, changelist):
        # The amount form keeps every other filter of the list as it is.
        self.preserved_parameters = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in self.amount_parameters
            for value in values
        ]
        return super().choices(changelist)

    def queryset(self, request, queryset):
        sector = self.value()
        if sector is not None:
            self.check_sector(sector)
        amounts = {name: self.amount(name) for name in self.amounts}
        if sector is None and not amounts:
            return queryset
        return queryset.holding(
            request.user,
            amount_min=amounts.get("stake_min"),
            amount_max=amounts.get("stake_max"),
            sectors=[sector] if sector else None,
        )

    def amount(self, name):
        try:
            value = Decimal(self.amounts[name].replace(",", ""))
        except InvalidOperation:
            raise IncorrectLookupParameters(f"{name}: give an amount in USD.") from None
        if not value.is_finite() or value < 0:
            raise IncorrectLookupParameters(f"{name}: give an amount in USD.")
        return value


class KeepInTouchFilter(admin.SimpleListFilter):
    """My investors going cold: past their contact cadence (see InvestorQuerySet.going_cold)."""

    title = _("keep in touch")
    parameter_name = "keep_in_touch"
    GOING_COLD = "going_cold"

    def lookups(self, request, model_admin):
        return [(self.GOING_COLD, _("Going cold — mine"))]

    def queryset(self, request, queryset):
        if self.value() == self.GOING_COLD:
            return queryset.going_cold(request.user)
        return queryset


class InvestorCountryFilter(CountryFilter):
    """The investors' HQ countries, for the lists of what investors have (contacts, stakes).

    django-countries offers the countries in use among the list's own rows: a
    DISTINCT over every stake joined to its investor (a million rows). The
    investors' table is ten times smaller, indexed on the country, and holds
    the same countries, give or take one whose investors have no stakes yet.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "investor HQ country"

    def lookup_choices(self, changelist):
        in_use = set(
            Investor.objects.order_by().values_list("country", flat=True).distinct()
        )
        for code, name in self.field.get_choices(include_blank=False):
            if code in in_use:
                yield code, name


class ContactInline(VisibleRecordsMixin, admin.TabularInline):
    model = Contact
    fields = ["first_name", "last_name", "title", "email", "phone"]
    extra = 1
    show_change_link = True


@admin.register(Investor)
class InvestorAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = [
        "name",
        "kind",
        "country",
        "city",
        "owner",
        "total_stake",
        "largest_stake",
        "companies",
        "pipeline",
        "last_contact",
    ]
    list_filter = [
        "kind",
        ("country", CountryFilter),
        FocusSectorFilter,
        HoldingFilter,
        StakeSizeFilter,
        KeepInTouchFilter,
        # Every user (a small table), not only those who own an investor: that
        # would take a DISTINCT over every investor.
        "owner",
    ]
    list_select_related = ["owner"]
    # `aliases` is a JSON list (other names, e.g. 阿里巴巴); icontains searches
    # its text on both databases.
    search_fields = ["name", "aliases", "city"]
    autocomplete_fields = ["sectors"]
    # Counting every investor again on each page costs a query and buys little.
    show_full_result_count = False
    inlines = [ContactInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "aliases",
                    "kind",
                    ("country", "city"),
                    "website",
                    ("owner", "contact_cadence_days"),
                    "description",
                ]
            },
        ),
        (
            _("Focus"),
            {
                "fields": [
                    "sectors",
                    ("check_size_min_usd", "check_size_max_usd"),
                    "aum_usd",
                ]
            },
        ),
    ]
    figure_fields = (
        "total_stake",
        "largest_stake",
        "companies",
        "pipeline",
        "last_contact",
    )
    readonly_fields = figure_fields

    def get_queryset(self, request):
        # One subquery per figure in the same SELECT: no query per row.
        return super().get_queryset(request).with_figures(request.user)

    def get_ordering(self, request):
        # Going cold: the longest silent first, never contacted before all.
        if (
            request.GET.get(KeepInTouchFilter.parameter_name)
            == KeepInTouchFilter.GOING_COLD
        ):
            return [F("last_interaction_at").asc(nulls_first=True), "name", "id"]
        return super().get_ordering(request)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            fieldsets[0],
            (_("Figures"), {"fields": self.figure_fields}),
            *fieldsets[1:],
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "aliases":
            return AliasesField(
                required=False,
                help_text=_("Other names the investor goes by, one per line."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        # Whoever adds an investor usually owns the relationship.
        return {
            "owner": request.user.pk,
            **super().get_changeform_initial_data(request),
        }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = get_user_model().objects.filter(
                is_staff=True, is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("held stakes (USD)"), ordering="total_stake_usd")
    def total_stake(self, obj):
        return format_usd(obj.total_stake_usd)

    # Investors without a stake (or never contacted) come first going up and
    # last going down, on both databases.
    @admin.display(
        description=_("largest held stake (USD)"),
        ordering=F("largest_stake_usd").asc(nulls_first=True),
    )
    def largest_stake(self, obj):
        return format_usd(obj.largest_stake_usd)

    @admin.display(description=_("companies held"), ordering="portfolio_count")
    def companies(self, obj):
        return obj.portfolio_count

    @admin.display(description=_("pipeline, not held (USD)"), ordering="pipeline_usd")
    def pipeline(self, obj):
        return format_usd(obj.pipeline_usd)

    @admin.display(
        description=_("last contact"),
        ordering=F("last_interaction_at").asc(nulls_first=True),
    )
    def last_contact(self, obj):
        return obj.last_interaction_at


@admin.register(Contact)
class ContactAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = ["last_name", "first_name", "investor", "title", "email", "phone"]
    list_display_links = ["last_name", "first_name"]
    list_filter = ["investor__kind", ("investor__country", InvestorCountryFilter)]
    list_select_related = ["investor"]
    search_fields = ["first_name", "last_name", "email", "title", "investor__name"]
    autocomplete_fields = ["investor"]
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "investor",
                    ("first_name", "last_name"),
                    "title",
                    ("email", "phone"),
                    "linkedin_url",
                    "notes",
                ]
            },
        )
    ]

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        # The whole name in either order: the admin looks for each word in
        # some field, and 王军 is one word spanning the two names.
        if term := search_term.strip():
            names = {
                f"search_name_{number}": expression
                for number, expression in enumerate(name_expressions())
            }
            named = Q()
            for name in names:
                named |= Q(**{f"{name}__icontains": term})
            found = found | queryset.alias(**names).filter(named)
        queryset = found
        # The people-present autocomplete of "Log a contact" sends the chosen
        # investor along (static/crm/log-contact.js): offer only its people.
        investor = request.GET.get("investor", "")
        if request.GET.get("field_name") and re.fullmatch(r"[0-9]{1,18}", investor):
            queryset = queryset.filter(investor_id=int(investor))
        return queryset, may_have_duplicates
