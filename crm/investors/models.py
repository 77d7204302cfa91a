"""Investors and the people who work there."""

from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django_countries.fields import CountryField

from crm.core.constraints import FieldCheckConstraint, FieldUniqueConstraint
from crm.core.history import CRMHistoricalRecords
from crm.core.models import CRMQuerySet, Sector, TimeStampedModel
from crm.core.visibility import visible_rounds_q

# Declined stakes never became positions, so no figure counts them.
UNCOUNTED_STAKE_STATUSES = ("declined",)


def _per_investor(aggregate, output_field):
    """A correlated subquery: `aggregate` over one investor's related rows.

    Each figure is computed in its own subquery, so an investor with 2 stakes
    and 3 interactions sums 2 stakes, not 6 (no join fan-out). Reverse
    relations keep this module free of imports from the apps that depend on it.
    """
    return Subquery(
        Investor.objects.filter(pk=OuterRef("pk"))
        .annotate(figure=aggregate)
        .values("figure")[:1],
        output_field=output_field,
    )


def _filter_or_none(q):
    # An aggregate's `filter` must be a condition; an empty Q means "all rows".
    return q or None


class InvestorQuerySet(CRMQuerySet):
    def with_figures(self, user=None):
        """Annotate total_stake_usd, largest_stake_usd, portfolio_count, last_interaction_at.

        Only what `user` may see counts (see crm.core.visibility); without a
        user, only what is not confidential.
        """
        counted = ~Q(stakes__status__in=UNCOUNTED_STAKE_STATUSES) & visible_rounds_q(
            user, "stakes__round"
        )
        money = DecimalField(max_digits=22, decimal_places=2)
        return self.annotate(
            total_stake_usd=Coalesce(
                _per_investor(Sum("stakes__amount_usd", filter=counted), money),
                Value(0),
                output_field=money,
            ),
            largest_stake_usd=_per_investor(
                Max("stakes__amount_usd", filter=counted), money
            ),
            portfolio_count=Coalesce(
                _per_investor(
                    Count("stakes__company", filter=counted, distinct=True),
                    models.IntegerField(),
                ),
                Value(0),
            ),
            last_interaction_at=_per_investor(
                Max(
                    "interactions__occurred_at",
                    filter=_filter_or_none(
                        visible_rounds_q(user, "interactions__round")
                    ),
                ),
                models.DateTimeField(),
            ),
        )

    def with_stake(self, user=None, **conditions):
        """Investors with at least one stake, visible to `user`, meeting every condition.

        `conditions` are Stake lookups (amount_usd__gte=...); they all apply
        to the same stake. EXISTS, so an investor is listed once.
        """
        stake = Investor.objects.filter(
            visible_rounds_q(user, "stakes__round"),
            pk=OuterRef("pk"),
            **{f"stakes__{lookup}": value for lookup, value in conditions.items()},
        )
        return self.filter(Exists(stake))

    def in_sectors(self, sectors):
        """Investors focused on any of `sectors` or a sector below them."""
        # EXISTS rather than a join: no duplicate rows, no DISTINCT.
        focus = Investor.sectors.through.objects.filter(
            investor_id=OuterRef("pk"),
            sector_id__in=Sector.objects.descendant_ids(sectors),
        )
        return self.filter(Exists(focus))


class Investor(TimeStampedModel):
    class Kind(models.TextChoices):
        STRATEGIC = "strategic", "Strategic"
        VENTURE_CAPITAL = "venture_capital", "Venture capital"
        PRIVATE_EQUITY = "private_equity", "Private equity"
        ASSET_MANAGER = "asset_manager", "Asset manager"
        SOVEREIGN_FUND = "sovereign_fund", "Sovereign fund"
        FAMILY_OFFICE = "family_office", "Family office"
        BANK = "bank", "Bank"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField("HQ country", blank=True, db_index=True)
    city = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="investors", help_text="Focus sectors."
    )
    check_size_min_usd = models.DecimalField(
        "smallest check (USD)", max_digits=20, decimal_places=2, null=True, blank=True
    )
    check_size_max_usd = models.DecimalField(
        "largest check (USD)", max_digits=20, decimal_places=2, null=True, blank=True
    )
    aum_usd = models.DecimalField(
        "assets under management (USD)",
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_investors",
        help_text="Who on the deal team owns the relationship.",
    )

    objects = InvestorQuerySet.as_manager()
    history = CRMHistoricalRecords(m2m_fields=["sectors"])

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            FieldUniqueConstraint(
                Lower("name"),
                name="investor_name_unique_ci",
                field="name",
                violation_error_message="An investor with this name already exists.",
            ),
            FieldCheckConstraint(
                condition=Q(check_size_min_usd__isnull=True)
                | Q(check_size_max_usd__isnull=True)
                | Q(check_size_min_usd__lte=models.F("check_size_max_usd")),
                name="investor_check_size_min_lte_max",
                field="check_size_max_usd",
                violation_error_message="The largest check cannot be smaller than the smallest.",
            ),
            FieldCheckConstraint(
                condition=Q(check_size_min_usd__gte=0),
                name="investor_check_size_min_not_negative",
                field="check_size_min_usd",
                violation_error_message="An amount cannot be negative.",
            ),
            FieldCheckConstraint(
                condition=Q(check_size_max_usd__gte=0),
                name="investor_check_size_max_not_negative",
                field="check_size_max_usd",
                violation_error_message="An amount cannot be negative.",
            ),
            FieldCheckConstraint(
                condition=Q(aum_usd__gte=0),
                name="investor_aum_not_negative",
                field="aum_usd",
                violation_error_message="An amount cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.name


class Contact(TimeStampedModel):
    """A person at an investor."""

    investor = models.ForeignKey(
        Investor, on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    notes = models.TextField(blank=True)

    objects = CRMQuerySet.as_manager()
    history = CRMHistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self):
        return str(self)
