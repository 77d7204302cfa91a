"""Admin for portfolio companies, their funding rounds and investors' stakes."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from crm.core.admin import CrmModelAdmin, VisibleRecordsMixin
from crm.core.admin_filters import CompanySectorFilter, SectorTreeFilter
from crm.core.admin_money import StaleRateWarningMixin, usd_column, usd_display
from crm.core.aliases import AliasesField
from crm.core.money_format import format_money, format_usd
from crm.investors import admin as investors_admin
from crm.investors.admin import InvestorCountryFilter
from crm.investors.models import Investor
from crm.portfolio.admin_board import FundraisingBoardMixin
from crm.portfolio.admin_summaries import (
    SummaryAboveFormMixin,
    company_summary,
    investor_summary,
    round_summary,
)
from crm.portfolio.models import Company, FundingRound, Stake
from crm.portfolio.services import (
    MANAGE_CONFIDENTIALITY,
    round_delete,
    round_save,
    stake_delete,
    stake_save,
)
from crm.transfer.admin_lists import TransferAdminMixin


class FundingRoundInline(VisibleRecordsMixin, admin.TabularInline):
    model = FundingRound
    fields = [
        "name",
        "stage",
        "status",
        "currency",
        "raised_amount",
        "raised_in_usd",
        "post_money_valuation",
        "post_money_usd",
        "announced_on",
    ]
    readonly_fields = ["raised_in_usd", "post_money_usd"]
    extra = 0
    show_change_link = True

    # The round's raised figure: the amount entered, or its held stakes.
    raised_in_usd = usd_column("raised_usd", "raised (USD)")
    post_money_usd = usd_column("post_money_valuation_usd", "post-money (USD)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company")


@admin.register(Company)
class CompanyAdmin(TransferAdminMixin, SummaryAboveFormMixin, CrmModelAdmin):
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
    summary_of = staticmethod(company_summary)

    def get_queryset(self, request):
        return super().get_queryset(request).with_figures(request.user)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "aliases":
            return AliasesField(
                required=False,
                help_text=_(
                    "Other names the company goes by, one per line, "
                    "e.g. Face++ for Megvii."
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            fieldsets[0],
            (_("Figures"), {"fields": self.figure_fields}),
            *fieldsets[1:],
        ]

    @admin.display(description=_("other names"))
    def other_names(self, obj):
        return ", ".join(obj.aliases)

    @admin.display(description=_("total raised (USD)"), ordering="total_raised_usd")
    def total_raised(self, obj):
        return format_usd(obj.total_raised_usd)

    @admin.display(
        description=_("latest valuation (USD)"), ordering="latest_valuation_usd"
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
        "amount_in_usd",
        "ownership_pct",
        "is_lead",
        "as_of",
        "source",
    ]
    readonly_fields = ["amount_in_usd"]
    amount_in_usd = usd_column("amount_usd", "amount (USD)")
    autocomplete_fields = ["investor"]
    extra = 1
    verbose_name = _("investor in this round")
    verbose_name_plural = _("investor pipeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("investor", "company")


@admin.register(FundingRound)
class FundingRoundAdmin(
    TransferAdminMixin,
    FundraisingBoardMixin,
    SummaryAboveFormMixin,
    StaleRateWarningMixin,
    CrmModelAdmin,
):
    list_display = [
        "name",
        "company",
        "stage",
        "status",
        "announced_on",
        "raised",
        "raised_in_usd",
        "post_money_usd",
        "board",
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
            _("Amounts"),
            {
                "description": _(
                    "In the round's currency; the USD values use the "
                    "rate on the announcement date (today if none)."
                ),
                "fields": [
                    "currency",
                    ("target_amount", "target_in_usd"),
                    ("raised_amount", "raised_amount_in_usd"),
                    ("held", "raised_figure"),
                    ("pre_money_valuation", "pre_money_in_usd"),
                    ("post_money_valuation", "post_money_in_usd"),
                ],
            },
        ),
        (
            _("Confidentiality"),
            {
                "description": _(
                    "A confidential round, its stakes and the "
                    "interactions and notes about it are visible only to its teams."
                ),
                "fields": ["confidential", "teams"],
            },
        ),
    ]
    readonly_fields = [
        "target_in_usd",
        "raised_amount_in_usd",
        "held",
        "raised_figure",
        "pre_money_in_usd",
        "post_money_in_usd",
    ]
    target_in_usd = usd_display("target_amount_usd", "target amount (USD)")
    raised_amount_in_usd = usd_display("raised_amount_usd", "raised amount (USD)")
    pre_money_in_usd = usd_display("pre_money_valuation_usd", "pre-money (USD)")
    post_money_in_usd = usd_display("post_money_valuation_usd", "post-money (USD)")
    summary_of = staticmethod(round_summary)

    def get_queryset(self, request):
        # A round's name includes its company's: autocomplete lists need it too.
        return super().get_queryset(request).select_related("company")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.has_perm(MANAGE_CONFIDENTIALITY):
            return fields
        # Shown, not edited: who may wall a round is a permission of its own.
        return (*fields, "confidential", "teams")

    def save_model(self, request, obj, form, change):
        teams = form.cleaned_data.get("teams")
        self.save_record(request, obj, None if teams is None else {"teams": teams})

    def save_record(self, request, obj, many_to_many=None):
        teams = (many_to_many or {}).get("teams")
        return round_save(funding_round=obj, teams=teams, user=request.user)

    def delete_record(self, request, obj):
        round_delete(funding_round=obj, user=request.user)

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

    @admin.display(description=_("board"))
    def board(self, obj):
        url = reverse("admin:portfolio_fundinground_board", args=[obj.pk])
        return format_html('<a href="{}">Board</a>', url)

    @admin.display(description=_("raised"), ordering="raised_amount")
    def raised(self, obj):
        return format_money(obj.raised_amount, obj.currency)

    # The raised figure: the amount entered, or what the held stakes add up to.
    raised_in_usd = usd_column("raised_usd", _("raised (USD)"))

    @admin.display(description=_("held (USD), committed + closed"))
    def held(self, obj):
        return format_usd(obj.held_usd)

    @admin.display(description=_("raised (USD)"))
    def raised_figure(self, obj):
        return format_usd(obj.raised_usd)

    @admin.display(
        description=_("post-money (USD)"), ordering="post_money_valuation_usd"
    )
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
        "amount_in_usd",
        "ownership_pct",
        "is_lead",
        "as_of",
    ]
    readonly_fields = ["amount_in_usd"]
    amount_in_usd = usd_column("amount_usd", "amount (USD)")
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
class InvestorWithStakesAdmin(SummaryAboveFormMixin, investors_admin.InvestorAdmin):
    inlines = [*investors_admin.InvestorAdmin.inlines, InvestorStakeInline]
    summary_of = staticmethod(investor_summary)


@admin.register(Stake)
class StakeAdmin(TransferAdminMixin, StaleRateWarningMixin, CrmModelAdmin):
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
            _("Position"),
            {
                "description": _("The USD value uses the rate on the as-of date."),
                "fields": [
                    ("amount", "currency"),
                    "amount_usd_converted",
                    "ownership_pct",
                    "as_of",
                    "source",
                ],
            },
        ),
    ]
    readonly_fields = ["amount_usd_converted"]
    amount_usd_converted = usd_display("amount_usd", "amount (USD)")

    def save_record(self, request, obj, many_to_many=None):
        return stake_save(stake=obj, user=request.user)

    def delete_record(self, request, obj):
        stake_delete(stake=obj, user=request.user)

    @admin.display(description=_("round"), ordering="round__name")
    def round_name(self, obj):
        # The company is its own column; the round's full name would repeat it.
        return obj.round.name if obj.round else None

    @admin.display(description=_("amount"), ordering="amount")
    def amount_in_currency(self, obj):
        return format_money(obj.amount, obj.currency)

    @admin.display(description=_("amount (USD)"), ordering="amount_usd")
    def amount_in_usd(self, obj):
        return format_usd(obj.amount_usd)
