"""Admin for investors and their contacts: where the deal team starts its day.

The investor page gets its stakes inline from crm.portfolio.admin and its
"Log a contact" button links to crm.notes by URL name: both apps depend on
this one, not the other way round.
"""

from decimal import Decimal

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django_countries.filters import CountryFilter

from crm.core.admin import CrmModelAdmin, VisibleRecordsMixin, format_usd
from crm.core.admin_filters import SectorTreeFilter
from crm.core.aliases import AliasesField
from crm.investors.models import Contact, Investor
from crm.transfer.admin_lists import TransferAdminMixin

MILLION = Decimal(1_000_000)


class StakeSizeFilter(admin.SimpleListFilter):
    """Investors by their largest counted stake in USD (see `with_figures`).

    "No stakes" also holds investors whose stakes have no amount yet: they have
    no stake size to compare.
    """

    title = "stake size"
    parameter_name = "stake_size"
    buckets = {
        "under_10m": ("Under $10M", Q(largest_stake_usd__lt=10 * MILLION)),
        "10m_100m": (
            "$10M–$100M",
            Q(largest_stake_usd__gte=10 * MILLION, largest_stake_usd__lt=100 * MILLION),
        ),
        "100m_1b": (
            "$100M–$1B",
            Q(
                largest_stake_usd__gte=100 * MILLION,
                largest_stake_usd__lt=1000 * MILLION,
            ),
        ),
        "1b_plus": ("$1B and over", Q(largest_stake_usd__gte=1000 * MILLION)),
        "none": ("No stakes", Q(largest_stake_usd__isnull=True)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.buckets.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.buckets:
            return queryset
        _, condition = self.buckets[self.value()]
        return queryset.filter(condition)


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
        "last_contact",
    ]
    list_filter = [
        "kind",
        ("country", CountryFilter),
        SectorTreeFilter,
        StakeSizeFilter,
        # Every user (a small table), not only those who own an investor: that
        # would take a DISTINCT over every investor.
        "owner",
    ]
    list_select_related = ["owner"]
    search_fields = ["name", "city"]
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
                    "owner",
                    "description",
                ]
            },
        ),
        (
            "Focus",
            {
                "fields": [
                    "sectors",
                    ("check_size_min_usd", "check_size_max_usd"),
                    "aum_usd",
                ]
            },
        ),
    ]
    figure_fields = ("total_stake", "largest_stake", "companies", "last_contact")
    readonly_fields = figure_fields

    def get_queryset(self, request):
        # One subquery per figure in the same SELECT: no query per row.
        return super().get_queryset(request).with_figures(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            fieldsets[0],
            ("Figures", {"fields": self.figure_fields}),
            *fieldsets[1:],
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "aliases":
            return AliasesField(
                required=False,
                help_text="Other names the investor goes by, one per line.",
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

    @admin.display(description="total stakes (USD)", ordering="total_stake_usd")
    def total_stake(self, obj):
        return format_usd(obj.total_stake_usd)

    # Investors without a stake (or never contacted) come first going up and
    # last going down, on both databases.
    @admin.display(
        description="largest stake (USD)",
        ordering=F("largest_stake_usd").asc(nulls_first=True),
    )
    def largest_stake(self, obj):
        return format_usd(obj.largest_stake_usd)

    @admin.display(description="companies", ordering="portfolio_count")
    def companies(self, obj):
        return obj.portfolio_count

    @admin.display(
        description="last contact",
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
