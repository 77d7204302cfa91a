"""Portfolio companies, their funding rounds, and investors' stakes in them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

# Where the migrations of companies' aliases find them.
from crm.core.aliases import UnicodeJSONEncoder, validate_aliases
from crm.core.constraints import (
    FieldCheckConstraint,
    FieldUniqueConstraint,
    WalledUniqueConstraint,
    external_id_constraint,
)
from crm.core.dates import validate_date_in_range
from crm.core.history import CRMHistoricalRecords
from crm.core.models import (
    CRMQuerySet,
    Sector,
    Team,
    TimeStampedModel,
    currency_field,
    currency_shape_constraint,
    external_id_field,
    sees_everything,
)
from crm.core.money import (
    UsdAmountsMixin,
    amount_constraints,
    amount_field,
    money_output_field,
    stored_sum_field,
    usd_field,
)
from crm.investors.models import Investor
from crm.portfolio.walls import RoundWalledQuerySet, confidential_rounds_seen_by


def check_round_of_company(record):
    """A round given as context must be the company's; it implies the company.

    The rule of every record that names a company and one of its rounds:
    stakes, interactions and deal notes.
    """
    if (
        record.round_id
        and record.company_id
        and record.round.company_id != record.company_id
    ):
        raise ValidationError({"round": "This round belongs to another company."})
    if record.round_id and not record.company_id:
        record.company_id = record.round.company_id


# Columns kept by the round and stake services (crm.portfolio.services), never
# by the company's own save: over every round (what a superuser sees) and over
# the rounds that are not confidential (what everyone sees).
COMPANY_FIGURES = [
    "all_total_raised_usd",
    "all_latest_valuation_usd",
    "open_total_raised_usd",
    "open_latest_valuation_usd",
]


def _counted_figures(rounds):
    """(total raised, latest valuation) of the company, over `rounds` not cancelled.

    The total sums each round's raised figure (`FundingRound.raised_usd`);
    the valuation is the post-money of the latest announced round with one.
    """
    counted = (
        rounds.filter(company=OuterRef("pk"))
        .exclude(status=FundingRound.Status.CANCELLED)
        .order_by()
    )
    raised = counted.values("company").annotate(total=Sum("raised_usd"))
    latest_valuation = counted.filter(post_money_valuation_usd__isnull=False).order_by(
        F("announced_on").desc(nulls_last=True), "-id"
    )
    money = money_output_field()
    total = Coalesce(
        Subquery(raised.values("total"), output_field=money),
        Value(0),
        output_field=money,
    )
    latest = Subquery(
        latest_valuation.values("post_money_valuation_usd")[:1], output_field=money
    )
    return total, latest


def recounted_company_figures():
    """{stored figure: its expression over the company's rounds}, as they are now."""
    all_total, all_latest = _counted_figures(FundingRound.objects.all())
    open_total, open_latest = _counted_figures(
        FundingRound.objects.filter(confidential=False)
    )
    return {
        "all_total_raised_usd": all_total,
        "all_latest_valuation_usd": all_latest,
        "open_total_raised_usd": open_total,
        "open_latest_valuation_usd": open_latest,
    }


class CompanyQuerySet(CRMQuerySet):
    def with_figures(self, user=None):
        """Annotate total_raised_usd and latest_valuation_usd, as `user` may see them.

        Only rounds `user` may see count; without a user, only open ones. The
        figures are stored on the company (`refresh_figures`), so lists read,
        order and filter columns: a superuser's over every round, everyone
        else's over the open ones. For a member of a deal's team, only the
        companies with a confidential round they see are recounted.
        """
        if sees_everything(user):
            total = F("all_total_raised_usd")
            latest = F("all_latest_valuation_usd")
        elif seen := confidential_rounds_seen_by(user):
            walled = FundingRound.objects.filter(
                pk__in=sorted(seen), confidential=True
            ).values("company_id")
            counted_total, counted_latest = _counted_figures(
                FundingRound.objects.visible_to(user)
            )
            money = money_output_field()
            total = Case(
                When(pk__in=walled, then=counted_total),
                default=F("open_total_raised_usd"),
                output_field=money,
            )
            latest = Case(
                When(pk__in=walled, then=counted_latest),
                default=F("open_latest_valuation_usd"),
                output_field=money,
            )
        else:
            total = F("open_total_raised_usd")
            latest = F("open_latest_valuation_usd")
        return self.annotate(total_raised_usd=total, latest_valuation_usd=latest)

    def refresh_figures(self):
        """Recompute the stored figures of these companies from their rounds.

        Called by the round and stake services for the companies a write
        touches, in the write's transaction, and after bulk loads.
        """
        with transaction.atomic():
            # Lock the rows first: a concurrent write to the same company
            # then waits, and the UPDATE below reads its committed rounds.
            list(self.select_for_update().order_by("pk").values_list("pk"))
            return self.update(**recounted_company_figures())

    def with_recounted_figures(self):
        """Annotate `recounted_<figure>` for every stored figure (`check_figures`)."""
        return self.annotate(
            **{
                f"recounted_{name}": expression
                for name, expression in recounted_company_figures().items()
            }
        )

    def with_stake(self, user=None, **conditions):
        """Companies with at least one stake, visible to `user`, meeting every condition."""
        stakes = Stake.objects.visible_to(user).filter(
            company=OuterRef("pk"), **conditions
        )
        return self.filter(Exists(stakes))

    sector_path = "sector"

    def matching(self, text):
        """Companies whose name or one of whose aliases contains `text`."""
        return self.filter(Q(name__icontains=text) | Q(aliases__icontains=text))


class Company(TimeStampedModel):
    class Status(models.TextChoices):
        PRIVATE = "private", _("Private")
        PUBLIC = "public", _("Public")
        ACQUIRED = "acquired", _("Acquired")
        CLOSED = "closed", pgettext_lazy("company status", "Closed")

    name = models.CharField(max_length=200, verbose_name=_("name"))
    aliases = models.JSONField(
        default=list,
        blank=True,
        encoder=UnicodeJSONEncoder,
        validators=[validate_aliases],
        help_text=_('Other names the company goes by, e.g. ["Face++"] for Megvii.'),
        verbose_name=_("aliases"),
    )
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
        verbose_name=_("sector"),
    )
    country = CountryField(blank=True, db_index=True, verbose_name=_("country"))
    city = models.CharField(max_length=100, blank=True, verbose_name=_("city"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    founded_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1600), MaxValueValidator(2100)],
        verbose_name=_("founded year"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PRIVATE,
        verbose_name=_("status"),
    )
    # Round figures stored for speed, kept by `refresh_figures`. Read them
    # through `with_figures(user)`, which adds the confidential rounds a
    # user may see.
    all_total_raised_usd = stored_sum_field(default=0)
    all_latest_valuation_usd = stored_sum_field(null=True)
    open_total_raised_usd = stored_sum_field(default=0)
    open_latest_valuation_usd = stored_sum_field(null=True)

    external_id = external_id_field()

    objects = CompanyQuerySet.as_manager()
    history = CRMHistoricalRecords(
        # Derived, not edited: a change of a round is recorded on the round.
        excluded_fields=COMPANY_FIGURES,
    )

    class Meta:
        verbose_name = _("company")
        ordering = ["name", "id"]
        verbose_name_plural = _("companies")
        indexes = [
            # The default order of the list and the admin: a page reads the index.
            models.Index(fields=["name", "id"], name="company_name_id_idx"),
            # Lists filtered and ordered by the figures (with_figures reads
            # these columns); PostgreSQL also has DESC NULLS LAST ones.
            models.Index(
                fields=["open_latest_valuation_usd", "id"],
                name="company_open_valuation_idx",
            ),
            models.Index(
                fields=["all_latest_valuation_usd", "id"],
                name="company_all_valuation_idx",
            ),
            models.Index(
                fields=["open_total_raised_usd", "id"], name="company_open_raised_idx"
            ),
            models.Index(
                fields=["all_total_raised_usd", "id"], name="company_all_raised_idx"
            ),
        ]
        constraints = [
            external_id_constraint("company"),
            FieldUniqueConstraint(
                Lower("name"),
                name="company_name_unique_ci",
                field="name",
                violation_error_message=_("A company with this name already exists."),
            ),
            FieldCheckConstraint(
                condition=Q(founded_year__gte=1600, founded_year__lte=2100),
                name="company_founded_year_plausible",
                field="founded_year",
                violation_error_message=_(
                    "Give a founding year between 1600 and 2100."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The stored figures belong to the round writes: a company loaded
        # before a concurrent round write and saved after it would otherwise
        # put its stale figures back. A new company has no rounds to count.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in COMPANY_FIGURES
            ]
        super().save(*args, **kwargs)


# Columns kept by `refresh_raised` (the stake and round services), never typed in.
ROUND_FIGURES = ["held_usd", "raised_usd"]


class FundingRoundQuerySet(RoundWalledQuerySet):
    round_path = ""
    sector_path = "company__sector"

    def refresh_raised(self):
        """Recompute held_usd and raised_usd of these rounds from their stakes.

        Called by the stake and round services for the rounds a write
        touches, in the write's transaction, and after bulk loads.
        """
        held = _held_usd()
        return self.update(held_usd=held, raised_usd=raised_figure(held))

    def with_recounted_raised(self):
        """Annotate `recounted_held_usd` and `recounted_raised_usd` (`check_figures`)."""
        held = _held_usd()
        return self.annotate(
            recounted_held_usd=held, recounted_raised_usd=raised_figure(held)
        )


def _held_usd():
    """The USD total of the round's held stakes (`Stake.HELD`), 0 without any.

    Stakes are walled by their round, so whoever sees the round sees them all.
    """
    money = money_output_field()
    held = (
        Stake.objects.held()
        .filter(round=OuterRef("pk"))
        .order_by()
        .values("round")
        .annotate(total=Sum("amount_usd"))
        .values("total")
    )
    return Coalesce(Subquery(held, output_field=money), Value(0), output_field=money)


def raised_figure(held):
    """The round's raised figure, given its `held` total: the one rule.

    The amount entered (as announced) wins; without one, what the committed
    and closed stakes hold; with neither, none.
    """
    return Case(
        When(raised_amount_usd__isnull=False, then=F("raised_amount_usd")),
        When(GreaterThan(held, 0), then=held),
        default=Value(None),
        output_field=money_output_field(),
    )


class FundingRound(UsdAmountsMixin, TimeStampedModel):
    class Stage(models.TextChoices):
        SEED = "seed", _("Seed")
        SERIES_A = "series_a", _("Series A")
        SERIES_B = "series_b", _("Series B")
        SERIES_C = "series_c", _("Series C")
        SERIES_D_PLUS = "series_d_plus", _("Series D or later")
        GROWTH = "growth", _("Growth")
        STRATEGIC = "strategic", _("Strategic")
        PRE_IPO = "pre_ipo", _("Pre-IPO")
        IPO = "ipo", _("IPO")
        DEBT = "debt", _("Debt")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("company"),
    )
    name = models.CharField(
        max_length=100, help_text=_("e.g. Series C"), verbose_name=_("name")
    )
    stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        default=Stage.OTHER,
        verbose_name=_("stage"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PLANNED,
        verbose_name=_("status"),
    )
    currency = currency_field()
    target_amount = amount_field(verbose_name=_("target amount"))
    target_amount_usd = usd_field(_("target amount (USD)"))
    raised_amount = amount_field(verbose_name=_("raised amount"))
    raised_amount_usd = usd_field(_("raised amount (USD)"))
    # ROUND_FIGURES, kept by `refresh_raised`.
    held_usd = stored_sum_field(
        _("held (USD)"),
        default=0,
        help_text=_("The USD total of the committed and closed stakes in the round."),
    )
    raised_usd = stored_sum_field(
        _("raised (USD)"),
        null=True,
        help_text=_(
            "The raised amount (USD) when one is entered, otherwise the "
            "committed and closed stakes (held) when there are any."
        ),
    )
    pre_money_valuation = amount_field(verbose_name=_("pre money valuation"))
    pre_money_valuation_usd = usd_field(_("pre-money valuation (USD)"))
    post_money_valuation = amount_field(verbose_name=_("post money valuation"))
    post_money_valuation_usd = usd_field(_("post-money valuation (USD)"))
    announced_on = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        validators=[validate_date_in_range],
        verbose_name=_("announced on"),
    )
    closed_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        verbose_name=_("closed on"),
    )
    confidential = models.BooleanField(
        default=False,
        db_index=True,
        help_text=_(
            "Visible only to the members of its teams: the round, its "
            "stakes, and the interactions and notes about it."
        ),
        verbose_name=_("confidential"),
    )
    teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="confidential_rounds",
        help_text=_("The teams that may see a confidential round."),
        verbose_name=_("teams"),
    )

    usd_amount_fields = (
        "target_amount",
        "raised_amount",
        "pre_money_valuation",
        "post_money_valuation",
    )
    usd_date_field = "announced_on"

    external_id = external_id_field()

    objects = FundingRoundQuerySet.as_manager()
    history = CRMHistoricalRecords(
        m2m_fields=["teams"],
        # Derived from the stakes, which record their own changes.
        excluded_fields=ROUND_FIGURES,
    )

    class Meta:
        verbose_name_plural = _("funding rounds")
        ordering = [F("announced_on").desc(nulls_last=True), "-id"]
        verbose_name = _("funding round")
        permissions = [
            (
                "manage_confidentiality",
                "Can manage confidentiality (make rounds confidential, change their teams)",
            )
        ]
        constraints = [
            external_id_constraint("funding_round", walled=True),
            # A clash with a round the writer may not see names nothing of it.
            WalledUniqueConstraint(
                "company",
                Lower("name"),
                name="funding_round_name_unique_per_company",
                field="name",
                violation_error_message=_(
                    "This company already has a round with this name."
                ),
            ),
            FieldCheckConstraint(
                condition=Q(closed_on__gte=F("announced_on")),
                name="funding_round_closed_after_announced",
                field="closed_on",
                violation_error_message=_(
                    "A round cannot close before it was announced."
                ),
            ),
            FieldCheckConstraint(
                condition=Q(post_money_valuation__gte=F("pre_money_valuation")),
                name="funding_round_post_money_gte_pre_money",
                field="post_money_valuation",
                violation_error_message=_(
                    "The post-money valuation cannot be below the pre-money valuation."
                ),
            ),
            currency_shape_constraint("funding_round"),
            *amount_constraints("funding_round", "target_amount"),
            *amount_constraints("funding_round", "raised_amount"),
            *amount_constraints("funding_round", "pre_money_valuation"),
            *amount_constraints("funding_round", "post_money_valuation"),
        ]

    def __str__(self):
        return f"{self.company.name} {self.name}" if self.company_id else self.name

    def check_confidentiality(self, teams, user):
        """Raise unless a confidential round names teams `user` stays inside.

        Without this rule a writer could wall a round off from themselves.
        Writes with no user (the demo loader, commands) name their teams only.
        """
        if not self.confidential:
            return
        if not teams:
            raise ValidationError(
                {"teams": "A confidential round needs at least one team."}
            )
        if (
            user is not None
            and not sees_everything(user)
            and not any(team.members.filter(pk=user.pk).exists() for team in teams)
        ):
            raise ValidationError(
                {
                    "teams": "Include a team you belong to, or you could no longer see this round."
                }
            )

    def clean(self):
        self.convert_amounts_to_usd()


class StakeQuerySet(RoundWalledQuerySet):
    sector_path = "company__sector"

    def held(self):
        """Positions the investor holds: what every stake figure counts."""
        return self.filter(status__in=Stake.HELD)

    def pipeline(self):
        """Stakes still being negotiated, shown apart as the pipeline."""
        return self.filter(status__in=Stake.PIPELINE)


class Stake(UsdAmountsMixin, TimeStampedModel):
    """An investor's position in a company, or its place in a round's pipeline."""

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        IN_TALKS = "in_talks", _("In talks")
        COMMITTED = "committed", _("Committed")
        CLOSED = "closed", _("Closed")
        DECLINED = "declined", _("Declined")
        EXITED = "exited", _("Exited")

    # The one definition of a stake size's meaning: held stakes are what an
    # investor owns; the pipeline is what it might buy. Declined and exited
    # stakes count for neither.
    HELD = (Status.COMMITTED, Status.CLOSED)
    PIPELINE = (Status.PROSPECT, Status.IN_TALKS)

    investor = models.ForeignKey(
        Investor,
        on_delete=models.PROTECT,
        related_name="stakes",
        verbose_name=_("investor"),
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="stakes",
        verbose_name=_("company"),
    )
    round = models.ForeignKey(
        FundingRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stakes",
        help_text=_("The round the stake was (or is being) bought in, if known."),
        verbose_name=_("round"),
    )
    amount = amount_field(verbose_name=_("amount"))
    currency = currency_field()
    amount_usd = usd_field(_("amount (USD)"), db_index=True)
    ownership_pct = models.DecimalField(
        _("ownership (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PROSPECT,
        verbose_name=_("status"),
    )
    is_lead = models.BooleanField(_("lead investor"), default=False)
    as_of = models.DateField(
        default=timezone.localdate,
        help_text=_("The date the figures refer to."),
        validators=[validate_date_in_range],
        verbose_name=_("as of"),
    )
    source = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Where the figure comes from; say so when it is illustrative."),
        verbose_name=_("source"),
    )

    usd_amount_fields = ("amount",)
    usd_date_field = "as_of"

    external_id = external_id_field()

    objects = StakeQuerySet.as_manager()
    history = CRMHistoricalRecords()

    class Meta:
        verbose_name = _("stake")
        verbose_name_plural = _("stakes")
        ordering = ["-as_of", "-id"]
        indexes = [
            # The default order, alone and after the filters that narrow the
            # list most (one investor's or one company's stakes): a page
            # reads its rows from the index instead of sorting every match.
            models.Index(fields=["-as_of", "-id"], name="stake_as_of_id_idx"),
            models.Index(
                fields=["investor", "-as_of", "-id"], name="stake_investor_as_of_idx"
            ),
            models.Index(
                fields=["company", "-as_of", "-id"], name="stake_company_as_of_idx"
            ),
            # ordering=created_at and -created_at (never empty, so no NULLS
            # clause: one index serves both directions).
            models.Index(fields=["created_at"], name="stake_created_at_idx"),
        ]
        constraints = [
            external_id_constraint("stake", walled=True),
            FieldUniqueConstraint(
                fields=["investor", "round"],
                name="stake_one_per_investor_per_round",
                field="round",
                violation_error_message=_(
                    "This investor already has a stake in this round."
                ),
            ),
            FieldCheckConstraint(
                condition=Q(ownership_pct__gte=0, ownership_pct__lte=100),
                name="stake_ownership_between_0_and_100",
                field="ownership_pct",
                violation_error_message=_(
                    "Ownership must be between 0 and 100 percent."
                ),
            ),
            currency_shape_constraint("stake"),
            *amount_constraints("stake", "amount"),
        ]

    def __str__(self):
        return f"{self.investor} in {self.company}"

    def clean(self):
        check_round_of_company(self)
        self.convert_amounts_to_usd()
