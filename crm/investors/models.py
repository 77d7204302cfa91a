"""Investors and the people who work there."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Lower
from django_countries.fields import CountryField

from crm.core.aliases import UnicodeJSONEncoder, validate_aliases
from crm.core.constraints import FieldCheckConstraint, FieldUniqueConstraint
from crm.core.history import CRMHistoricalRecords
from crm.core.models import CRMQuerySet, Sector, TimeStampedModel
from crm.core.visibility import (
    confidential_rounds_seen_by,
    sees_everything,
    visible_rounds_q,
)

# Declined stakes never became positions, so no figure counts them.
UNCOUNTED_STAKE_STATUSES = ("declined",)
STORED_FIGURES = [
    "all_stake_total_usd",
    "all_largest_stake_usd",
    "open_stake_total_usd",
    "open_largest_stake_usd",
    "all_portfolio_count",
    "open_portfolio_count",
]


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


def _with_walled_stakes(round_ids, money):
    """Total, largest and portfolio count with the stakes in these confidential rounds.

    The open figures are stored; the walled stakes (few: a member's deals)
    are added by subqueries over the (investor, round) index.
    """
    stake = Investor._meta.get_field("stakes").related_model
    counted = stake.objects.exclude(status__in=UNCOUNTED_STAKE_STATUSES)
    walled = counted.filter(
        investor=OuterRef("pk"), round__confidential=True, round__in=round_ids
    ).order_by()
    walled_total = Subquery(
        walled.values("investor").annotate(figure=Sum("amount_usd")).values("figure"),
        output_field=money,
    )
    walled_largest = Subquery(
        walled.values("investor").annotate(figure=Max("amount_usd")).values("figure"),
        output_field=money,
    )
    # Companies held only through walled stakes: the others are counted already.
    open_in_company = counted.filter(
        Q(round__isnull=True) | Q(round__confidential=False),
        investor=OuterRef("investor"),
        company=OuterRef("company"),
    )
    walled_companies = Subquery(
        walled.exclude(Exists(open_in_company))
        .values("investor")
        .annotate(figure=Count("company", distinct=True))
        .values("figure"),
        output_field=models.IntegerField(),
    )
    total = ExpressionWrapper(
        F("open_stake_total_usd") + Coalesce(walled_total, Value(0)),
        output_field=money,
    )
    # Greatest() of a NULL is NULL on SQLite, the other value on PostgreSQL;
    # coalescing each side makes both agree.
    largest = Greatest(
        Coalesce(F("open_largest_stake_usd"), walled_largest),
        Coalesce(walled_largest, F("open_largest_stake_usd")),
        output_field=money,
    )
    portfolio = ExpressionWrapper(
        F("open_portfolio_count") + Coalesce(walled_companies, Value(0)),
        output_field=models.IntegerField(),
    )
    return total, largest, portfolio


class InvestorQuerySet(CRMQuerySet):
    def with_figures(self, user=None):
        """Annotate total_stake_usd, largest_stake_usd, portfolio_count, last_interaction_at.

        Only what `user` may see counts (see crm.core.visibility); without a
        user, only what is not confidential. The stake figures are stored on
        the investor (`refresh_stake_figures`), so listing, ordering and
        filtering by them reads columns instead of aggregating every stake:
        a superuser's over every stake, everyone else's over the stakes
        outside confidential rounds, plus, for a member of a deal's team,
        the stakes in its confidential rounds.
        """
        money = DecimalField(max_digits=22, decimal_places=2)
        if sees_everything(user):
            total, largest = F("all_stake_total_usd"), F("all_largest_stake_usd")
            portfolio = F("all_portfolio_count")
        elif seen := confidential_rounds_seen_by(user):
            total, largest, portfolio = _with_walled_stakes(sorted(seen), money)
        else:
            total, largest = F("open_stake_total_usd"), F("open_largest_stake_usd")
            portfolio = F("open_portfolio_count")
        # The newest visible interaction: a walk down the investor's
        # (investor, -occurred_at) index that stops at the first one.
        interaction = Investor._meta.get_field("interactions").related_model
        latest = (
            interaction.objects.filter(
                visible_rounds_q(user, "round"), investor=OuterRef("pk")
            )
            .order_by("-occurred_at", "-id")
            .values("occurred_at")[:1]
        )
        return self.annotate(
            total_stake_usd=total,
            largest_stake_usd=largest,
            portfolio_count=portfolio,
            last_interaction_at=Subquery(latest, output_field=models.DateTimeField()),
        )

    def refresh_stake_figures(self):
        """Recompute the stored stake figures of these investors from their stakes.

        Called by the write path for the investors a stake, round or investor
        write touches (crm.core.derived), and after bulk loads for all of them.
        """
        money = DecimalField(max_digits=22, decimal_places=2)
        counted = ~Q(stakes__status__in=UNCOUNTED_STAKE_STATUSES)
        open_ = counted & (
            Q(stakes__round__isnull=True) | Q(stakes__round__confidential=False)
        )

        def figures(prefix, condition):
            return {
                f"{prefix}_stake_total_usd": Coalesce(
                    _per_investor(Sum("stakes__amount_usd", filter=condition), money),
                    Value(0),
                    output_field=money,
                ),
                f"{prefix}_largest_stake_usd": _per_investor(
                    Max("stakes__amount_usd", filter=condition), money
                ),
                f"{prefix}_portfolio_count": Coalesce(
                    _per_investor(
                        Count("stakes__company", filter=condition, distinct=True),
                        models.IntegerField(),
                    ),
                    Value(0),
                ),
            }

        with transaction.atomic():
            # Lock the rows first: a concurrent write to the same investor
            # then waits, and the UPDATE below reads its committed stakes.
            list(self.select_for_update().order_by("pk").values_list("pk"))
            return self.update(**figures("all", counted), **figures("open", open_))

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
            sector_id__in=Sector.objects.subtree(sectors),
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
    aliases = models.JSONField(
        default=list,
        blank=True,
        encoder=UnicodeJSONEncoder,
        validators=[validate_aliases],
        help_text="Other names the investor goes by, e.g. names of investors "
        "merged into it.",
    )
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
    # Stake figures stored for speed, kept by `refresh_stake_figures`: over
    # every counted stake (what a superuser sees) and over those outside
    # confidential rounds (what everyone sees). Read them through
    # `with_figures(user)`, which adds the confidential stakes a user may see.
    all_stake_total_usd = models.DecimalField(
        max_digits=22, decimal_places=2, default=0, editable=False
    )
    all_largest_stake_usd = models.DecimalField(
        max_digits=22, decimal_places=2, null=True, editable=False
    )
    open_stake_total_usd = models.DecimalField(
        max_digits=22, decimal_places=2, default=0, editable=False
    )
    open_largest_stake_usd = models.DecimalField(
        max_digits=22, decimal_places=2, null=True, editable=False
    )
    all_portfolio_count = models.PositiveIntegerField(default=0, editable=False)
    open_portfolio_count = models.PositiveIntegerField(default=0, editable=False)

    objects = InvestorQuerySet.as_manager()
    history = CRMHistoricalRecords(
        m2m_fields=["sectors"],
        # Derived, not edited: a change of a stake is recorded on the stake.
        excluded_fields=STORED_FIGURES,
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # The default order of the API list and the admin.
            models.Index(fields=["name", "id"], name="investor_name_id_idx"),
            # Lists ordered by total stake (with_figures reads these columns).
            models.Index(
                fields=["open_stake_total_usd"], name="investor_open_total_idx"
            ),
            models.Index(fields=["all_stake_total_usd"], name="investor_all_total_idx"),
        ]
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
        indexes = [
            # The default order of the API list and the admin.
            models.Index(
                fields=["last_name", "first_name", "id"], name="contact_name_id_idx"
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self):
        return str(self)
