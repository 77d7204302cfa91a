"""Admin for portfolio companies, their funding rounds and investors' stakes."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django_countries.filters import CountryFilter

from crm.core.admin import CrmModelAdmin, VisibleRecordsMixin, format_usd
from crm.core.admin_filters import CompanySectorFilter, SectorTreeFilter
from crm.core.aliases import AliasesField
from crm.investors import admin as investors_admin
from crm.investors.admin import InvestorCountryFilter
from crm.investors.models import Investor
from crm.portfolio.models import Company, FundingRound, Stake
from crm.transfer.admin_lists import TransferAdminMixin


def format_amount(amount, currency):
    """ "CNY 7,000,000,000" : an amount in its own currency."""
    if amount is None:
        return None
    return f"{currency} {amount:,.0f}"


class FundingRoundInline(VisibleRecordsMixin, admin.TabularInline):
    model = FundingRound
    fields = [
        "name",
        "stage",
        "status",
        "currency",
        "raised_amount",
        "raised_amount_usd",
        "post_money_valuation",
        "post_money_valuation_usd",
        "announced_on",
    ]
    readonly_fields = ["raised_amount_usd", "post_money_valuation_usd"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company")


@admin.register(Company)
class CompanyAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = [
        "name",
        "other_names",
        "sector",
        "country",
        "status",
        "total_raised",
        "latest_valuation",
    ]
    list_filter = [SectorTreeFilter, ("country", CountryFilter), "status"]
    list_select_related = ["sector"]
    # `aliases` is a JSON list; icontains searches its text on both databases.
    search_fields = ["name", "aliases", "city"]
    autocomplete_fields = ["sector"]
    show_full_result_count = False
    inlines = [FundingRoundInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "aliases",
                    "sector",
                    ("country", "city"),
                    "website",
                    "founded_year",
                    "status",
                    "description",
                ]
            },
        )
    ]
    figure_fields = ("total_raised", "latest_valuation")
    readonly_fields = figure_fields

    def get_queryset(self, request):
        return super().get_queryset(request).with_figures(request.user)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "aliases":
            return AliasesField(
                required=False,
                help_text="Other names the company goes by, one per line, "
                "e.g. Face++ for Megvii.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            fieldsets[0],
            ("Figures", {"fields": self.figure_fields}),
            *fieldsets[1:],
        ]

    @admin.display(description="other names")
    def other_names(self, obj):
        return ", ".join(obj.aliases)

    @admin.display(description="total raised (USD)", ordering="total_raised_usd")
    def total_raised(self, obj):
        return format_usd(obj.total_raised_usd)

    @admin.display(
        description="latest valuation (USD)", ordering="latest_valuation_usd"
    )
    def latest_valuation(self, obj):
        return format_usd(obj.latest_valuation_usd)


class RoundStakeFormSet(BaseInlineFormSet):
    """A round's stakes are in the round's company; the form does not ask."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.company_id = self.instance.company_id
        return form


class RoundStakeInline(VisibleRecordsMixin, admin.TabularInline):
    """The round's investor pipeline: who is in, at what stage, for how much."""

    model = Stake
    fk_name = "round"
    formset = RoundStakeFormSet
    fields = [
        "investor",
        "status",
        "amount",
        "currency",
        "amount_usd",
        "ownership_pct",
        "is_lead",
        "as_of",
        "source",
    ]
    readonly_fields = ["amount_usd"]
    autocomplete_fields = ["investor"]
    extra = 1
    verbose_name = "investor in this round"
    verbose_name_plural = "investor pipeline"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("investor", "company")


@admin.register(FundingRound)
class FundingRoundAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = [
        "name",
        "company",
        "stage",
        "status",
        "announced_on",
        "raised",
        "raised_usd",
        "post_money_usd",
    ]
    list_filter = ["stage", "status", "confidential", CompanySectorFilter]
    list_select_related = ["company"]
    search_fields = ["name", "company__name", "company__aliases"]
    autocomplete_fields = ["company", "teams"]
    show_full_result_count = False
    inlines = [RoundStakeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "company",
                    "name",
                    ("stage", "status"),
                    ("announced_on", "closed_on"),
                ]
            },
        ),
        (
            "Amounts",
            {
                "description": "In the round's currency; the USD values use the "
                "rate on the announcement date (today if none).",
                "fields": [
                    "currency",
                    ("target_amount", "target_amount_usd"),
                    ("raised_amount", "raised_amount_usd"),
                    ("pre_money_valuation", "pre_money_valuation_usd"),
                    ("post_money_valuation", "post_money_valuation_usd"),
                ],
            },
        ),
        (
            "Confidentiality",
            {
                "description": "A confidential round, its stakes and the "
                "interactions and notes about it are visible only to its teams.",
                "fields": ["confidential", "teams"],
            },
        ),
    ]
    readonly_fields = [
        "target_amount_usd",
        "raised_amount_usd",
        "pre_money_valuation_usd",
        "post_money_valuation_usd",
    ]

    def get_queryset(self, request):
        # A round's name includes its company's: autocomplete lists need it too.
        return super().get_queryset(request).select_related("company")

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class RoundForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                self.instance.confidential = cleaned_data.get("confidential", False)
                try:
                    self.instance.check_confidentiality(
                        cleaned_data.get("teams") or [], request.user
                    )
                except ValidationError as error:
                    self.add_error(None, error)
                return cleaned_data

        return form_class if "teams" not in form_class.base_fields else RoundForm

    @admin.display(description="raised", ordering="raised_amount")
    def raised(self, obj):
        return format_amount(obj.raised_amount, obj.currency)

    @admin.display(description="raised (USD)", ordering="raised_amount_usd")
    def raised_usd(self, obj):
        return format_usd(obj.raised_amount_usd)

    @admin.display(description="post-money (USD)", ordering="post_money_valuation_usd")
    def post_money_usd(self, obj):
        return format_usd(obj.post_money_valuation_usd)


class InvestorStakeInline(VisibleRecordsMixin, admin.TabularInline):
    model = Stake
    fk_name = "investor"
    fields = [
        "company",
        "round",
        "status",
        "amount",
        "currency",
        "amount_usd",
        "ownership_pct",
        "is_lead",
        "as_of",
    ]
    readonly_fields = ["amount_usd"]
    autocomplete_fields = ["company", "round"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("investor", "company")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Each row shows its round by name, which includes the company's.
        if db_field.name == "round":
            kwargs["queryset"] = FundingRound.objects.select_related("company")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# Stakes live here, in the app that depends on investors, so this module adds
# them to the investor page rather than crm.investors importing portfolio.
admin.site.unregister(Investor)


@admin.register(Investor)
class InvestorWithStakesAdmin(investors_admin.InvestorAdmin):
    inlines = [*investors_admin.InvestorAdmin.inlines, InvestorStakeInline]


@admin.register(Stake)
class StakeAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = [
        "investor",
        "company",
        "round_name",
        "status",
        "is_lead",
        "amount_in_currency",
        "amount_in_usd",
        "ownership_pct",
        "as_of",
    ]
    list_filter = [
        "status",
        "is_lead",
        CompanySectorFilter,
        ("investor__country", InvestorCountryFilter),
    ]
    list_select_related = ["investor", "company", "round"]
    search_fields = [
        "investor__name",
        "company__name",
        "company__aliases",
        "round__name",
        "source",
    ]
    autocomplete_fields = ["investor", "company", "round"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["investor", "company", "round", ("status", "is_lead")]}),
        (
            "Position",
            {
                "description": "The USD value uses the rate on the as-of date.",
                "fields": [
                    ("amount", "currency"),
                    "amount_usd",
                    "ownership_pct",
                    "as_of",
                    "source",
                ],
            },
        ),
    ]
    readonly_fields = ["amount_usd"]

    @admin.display(description="round", ordering="round__name")
    def round_name(self, obj):
        # The company is its own column; the round's full name would repeat it.
        return obj.round.name if obj.round else None

    @admin.display(description="amount", ordering="amount")
    def amount_in_currency(self, obj):
        return format_amount(obj.amount, obj.currency)

    @admin.display(description="amount (USD)", ordering="amount_usd")
    def amount_in_usd(self, obj):
        return format_usd(obj.amount_usd)
