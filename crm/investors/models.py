"""Investors and the people who work there."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crm.core.aliases import UnicodeJSONEncoder, validate_aliases
from crm.core.constraints import (
    FieldCheckConstraint,
    FieldUniqueConstraint,
    external_id_constraint,
)
from crm.core.durations import Days
from crm.core.history import CRMHistoricalRecords
from crm.core.models import (
    CRMQuerySet,
    Sector,
    TimeStampedModel,
    external_id_field,
    sees_everything,
)
from crm.core.money import amount_field, money_output_field, stored_sum_field
from crm.investors.names import person_name

# Columns kept by `refresh_stake_figures`, never by the investor's own save.
STORED_FIGURES = [
    "all_stake_total_usd",
    "all_largest_stake_usd",
    "all_portfolio_count",
    "all_pipeline_usd",
    "open_stake_total_usd",
    "open_largest_stake_usd",
    "open_portfolio_count",
    "open_pipeline_usd",
]


def _stakes():
    """The Stake model, through the reverse relation.

    crm.portfolio depends on this app, so it is not imported: what a held or
    a pipeline stake is (`Stake.HELD`, `Stake.PIPELINE`) and who may see a
    stake (`Stake.objects.visible_to`) are read from it here.
    """
    return Investor._meta.get_field("stakes").related_model


def _per_investor(aggregate, output_field):
    """A correlated subquery: `aggregate` over one investor's related rows.

    Each figure is computed in its own subquery, so an investor with 2 stakes
    and 3 interactions sums 2 stakes, not 6 (no join fan-out).
    """
    return Subquery(
        Investor.objects.filter(pk=OuterRef("pk"))
        .annotate(figure=aggregate)
        .values("figure")[:1],
        output_field=output_field,
    )


def _walled_investors(round_ids):
    """Ids of the investors with a stake in one of these confidential rounds.

    A subquery over the stakes' round index: a member's deals are few, so
    these are the only investors whose figures differ from the open ones.
    """
    stake = _stakes()
    return (
        stake.objects.filter(round__in=round_ids, round__confidential=True)
        .order_by()
        .values("investor_id")
    )


def _with_walled_stakes(round_ids):
    """Total, largest, portfolio count and pipeline with the stakes in these confidential rounds.

    The open figures are stored; the walled stakes (few: a member's deals)
    are added by subqueries over the (investor, round) index, only for the
    investors that have some (`_walled_investors`): every other row reads
    its stored columns, so a member's list costs what the public one does.
    """
    stake = _stakes()
    money = money_output_field()
    walled = stake.objects.filter(
        investor=OuterRef("pk"), round__confidential=True, round__in=round_ids
    ).order_by()
    held = walled.filter(status__in=stake.HELD)

    def walled_figure(stakes, aggregate, output_field=money):
        return Subquery(
            stakes.values("investor").annotate(figure=aggregate).values("figure"),
            output_field=output_field,
        )

    walled_total = walled_figure(held, Sum("amount_usd"))
    walled_largest = walled_figure(held, Max("amount_usd"))
    walled_pipeline = walled_figure(
        walled.filter(status__in=stake.PIPELINE), Sum("amount_usd")
    )
    # Companies held only through walled stakes: the others are counted already.
    open_in_company = stake.objects.filter(
        Q(round__isnull=True) | Q(round__confidential=False),
        status__in=stake.HELD,
        investor=OuterRef("investor"),
        company=OuterRef("company"),
    )
    walled_companies = walled_figure(
        held.exclude(Exists(open_in_company)),
        Count("company", distinct=True),
        models.IntegerField(),
    )
    total = F("open_stake_total_usd") + Coalesce(walled_total, Value(0))
    # Greatest() of a NULL is NULL on SQLite, the other value on PostgreSQL;
    # coalescing each side makes both agree.
    largest = Greatest(
        Coalesce(F("open_largest_stake_usd"), walled_largest),
        Coalesce(walled_largest, F("open_largest_stake_usd")),
    )
    portfolio = F("open_portfolio_count") + Coalesce(walled_companies, Value(0))
    pipeline = F("open_pipeline_usd") + Coalesce(walled_pipeline, Value(0))
    has_walled = Q(pk__in=_walled_investors(round_ids))

    def only_where_walled(expression, stored, output_field=money):
        return Case(
            When(has_walled, then=expression),
            default=F(stored),
            output_field=output_field,
        )

    return (
        only_where_walled(total, "open_stake_total_usd"),
        only_where_walled(largest, "open_largest_stake_usd"),
        only_where_walled(portfolio, "open_portfolio_count", models.IntegerField()),
        only_where_walled(pipeline, "open_pipeline_usd"),
    )


def recounted_stake_figures():
    """{stored figure: its expression over the investor's stakes}, as they are now."""
    stake = _stakes()
    money = money_output_field()
    open_ = Q(stakes__round__isnull=True) | Q(stakes__round__confidential=False)
    held = Q(stakes__status__in=stake.HELD)
    pipeline = Q(stakes__status__in=stake.PIPELINE)

    def total(condition):
        return Coalesce(
            _per_investor(Sum("stakes__amount_usd", filter=condition), money),
            Value(0),
            output_field=money,
        )

    def figures(prefix, scope):
        return {
            f"{prefix}_stake_total_usd": total(held & scope),
            f"{prefix}_largest_stake_usd": _per_investor(
                Max("stakes__amount_usd", filter=held & scope), money
            ),
            f"{prefix}_portfolio_count": Coalesce(
                _per_investor(
                    Count("stakes__company", filter=held & scope, distinct=True),
                    models.IntegerField(),
                ),
                Value(0),
            ),
            f"{prefix}_pipeline_usd": total(pipeline & scope),
        }

    return {**figures("all", Q()), **figures("open", open_)}


def _latest_contact(user):
    """When the newest interaction `user` may see took place, per investor.

    A walk down the investor's (investor, -occurred_at) index that stops at
    the first one.
    """
    interaction = Investor._meta.get_field("interactions").related_model
    latest = (
        interaction.objects.visible_to(user)
        .filter(investor=OuterRef("pk"))
        .order_by("-occurred_at", "-id")
        .values("occurred_at")[:1]
    )
    return Subquery(latest, output_field=models.DateTimeField())


class InvestorQuerySet(CRMQuerySet):
    def with_figures(self, user=None):
        """Annotate total_stake_usd, largest_stake_usd, portfolio_count, pipeline_usd, last_interaction_at.

        The stake figures count held stakes (`Stake.HELD`); pipeline_usd sums
        the pipeline (`Stake.PIPELINE`). Only what `user` may see counts
        (crm.portfolio.walls); without a user, only what is not confidential.
        The figures are stored on the investor (`refresh_stake_figures`), so
        listing, ordering and filtering by them reads columns instead of
        aggregating every stake: a superuser's over every stake, everyone
        else's over the stakes outside confidential rounds, plus, for a
        member of a deal's team, the stakes in its confidential rounds.
        """
        stakes = _stakes().objects
        if sees_everything(user):
            total, largest = F("all_stake_total_usd"), F("all_largest_stake_usd")
            portfolio, pipeline = F("all_portfolio_count"), F("all_pipeline_usd")
        elif seen := stakes.confidential_rounds_seen_by(user):
            total, largest, portfolio, pipeline = _with_walled_stakes(sorted(seen))
        else:
            total, largest = F("open_stake_total_usd"), F("open_largest_stake_usd")
            portfolio, pipeline = F("open_portfolio_count"), F("open_pipeline_usd")
        return self.annotate(
            total_stake_usd=total,
            largest_stake_usd=largest,
            portfolio_count=portfolio,
            pipeline_usd=pipeline,
            last_interaction_at=_latest_contact(user),
        )

    def stake_total_at_least(self, amount, user=None):
        """Investors whose total_stake_usd (`with_figures(user)`) is at least `amount`.

        Walled stakes only add to the open total: an investor qualifies by
        its open total (the stored column's index finds those) or has walled
        stakes the user may see, so a member's filter reads that index too.
        """
        condition = Q(total_stake_usd__gte=amount)
        if not sees_everything(user) and (
            seen := _stakes().objects.confidential_rounds_seen_by(user)
        ):
            condition &= Q(open_stake_total_usd__gte=amount) | Q(
                pk__in=_walled_investors(sorted(seen))
            )
        return self.filter(condition)

    def refresh_stake_figures(self):
        """Recompute the stored stake figures of these investors from their stakes.

        Called by the stake and round services (crm.portfolio.services) for
        the investors a write touches, in the write's transaction, and after
        bulk loads for all of them.
        """
        with transaction.atomic():
            # Lock the rows first: a concurrent write to the same investor
            # then waits, and the UPDATE below reads its committed stakes.
            list(self.select_for_update().order_by("pk").values_list("pk"))
            return self.update(**recounted_stake_figures())

    def with_recounted_stake_figures(self):
        """Annotate `recounted_<figure>` for every stored figure (`check_figures`)."""
        return self.annotate(
            **{
                f"recounted_{name}": expression
                for name, expression in recounted_stake_figures().items()
            }
        )

    def with_stake(self, user=None, **conditions):
        """Investors with at least one stake, visible to `user`, meeting every condition.

        `conditions` are Stake lookups (company__in=...), any status. EXISTS,
        so an investor is listed once.
        """
        stakes = (
            _stakes()
            .objects.visible_to(user)
            .filter(investor=OuterRef("pk"), **conditions)
        )
        return self.filter(Exists(stakes))

    def holding(
        self,
        user=None,
        *,
        statuses=None,
        amount_min=None,
        amount_max=None,
        sectors=None,
    ):
        """Investors with one stake, visible to `user`, that meets every condition.

        The question of the stake-size and "invests in sector" filters of the
        API and the admin: a held stake (or one of `statuses`) of at least
        `amount_min` and at most `amount_max` USD in a company of one of
        `sectors` (or below). All conditions hold for the same stake.
        """
        conditions = {"status__in": statuses or _stakes().HELD}
        if amount_min is not None:
            conditions["amount_usd__gte"] = amount_min
        if amount_max is not None:
            conditions["amount_usd__lte"] = amount_max
        stakes = (
            _stakes()
            .objects.visible_to(user)
            .filter(investor=OuterRef("pk"), **conditions)
        )
        if sectors:
            stakes = stakes.in_sectors(sectors)
        return self.filter(Exists(stakes))

    def in_sectors(self, sectors):
        """Investors focused on any of `sectors` or a sector below them (declared focus)."""
        # EXISTS rather than a join: no duplicate rows, no DISTINCT.
        focus = Investor.sectors.through.objects.filter(
            investor_id=OuterRef("pk"),
            sector_id__in=Sector.objects.subtree(sectors),
        )
        return self.filter(Exists(focus))

    def going_cold(self, user, now=None):
        """Investors `user` owns, not contacted within their cadence; the longest silent first.

        Only investors with a cadence count; one never contacted (as far as
        `user` may see) is the coldest. Annotates `last_interaction_at`, the
        newest contact `user` may see, as `with_figures` does.
        """
        latest = _latest_contact(user)
        due_since = Value(now or timezone.now()) - Days(F("contact_cadence_days"))
        return (
            self.filter(owner=user, contact_cadence_days__isnull=False)
            .annotate(last_interaction_at=latest)
            .filter(
                Q(last_interaction_at__isnull=True)
                | Q(last_interaction_at__lt=due_since)
            )
            .order_by(F("last_interaction_at").asc(nulls_first=True), "name", "id")
        )


class Investor(TimeStampedModel):
    class Kind(models.TextChoices):
        STRATEGIC = "strategic", _("Strategic")
        VENTURE_CAPITAL = "venture_capital", _("Venture capital")
        PRIVATE_EQUITY = "private_equity", _("Private equity")
        ASSET_MANAGER = "asset_manager", _("Asset manager")
        SOVEREIGN_FUND = "sovereign_fund", _("Sovereign fund")
        FAMILY_OFFICE = "family_office", _("Family office")
        BANK = "bank", _("Bank")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, verbose_name=_("name"))
    aliases = models.JSONField(
        default=list,
        blank=True,
        encoder=UnicodeJSONEncoder,
        validators=[validate_aliases],
        help_text=_(
            "Other names the investor goes by, e.g. names of investors merged into it."
        ),
        verbose_name=_("aliases"),
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.OTHER, verbose_name=_("kind")
    )
    country = CountryField(_("HQ country"), blank=True, db_index=True)
    city = models.CharField(max_length=100, blank=True, verbose_name=_("city"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="investors",
        help_text=_("Focus sectors."),
        verbose_name=_("sectors"),
    )
    check_size_min_usd = amount_field(_("smallest check (USD)"))
    check_size_max_usd = amount_field(_("largest check (USD)"))
    aum_usd = amount_field(_("assets under management (USD)"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_investors",
        help_text=_("Who on the deal team owns the relationship."),
        verbose_name=_("owner"),
    )
    contact_cadence_days = models.PositiveIntegerField(
        _("keep in touch every (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Contact at least this often, e.g. 90: past it, the investor is "
            "“going cold” for its owner. Empty: no cadence."
        ),
    )
    # Stake figures stored for speed, kept by `refresh_stake_figures`: over
    # every stake (what a superuser sees) and over those outside confidential
    # rounds (what everyone sees). Read them through `with_figures(user)`,
    # which adds the confidential stakes a user may see.
    all_stake_total_usd = stored_sum_field(default=0)
    all_largest_stake_usd = stored_sum_field(null=True)
    all_portfolio_count = models.PositiveIntegerField(default=0, editable=False)
    all_pipeline_usd = stored_sum_field(default=0)
    open_stake_total_usd = stored_sum_field(default=0)
    open_largest_stake_usd = stored_sum_field(null=True)
    open_portfolio_count = models.PositiveIntegerField(default=0, editable=False)
    open_pipeline_usd = stored_sum_field(default=0)

    external_id = external_id_field()

    objects = InvestorQuerySet.as_manager()
    history = CRMHistoricalRecords(
        m2m_fields=["sectors"],
        # Derived, not edited: a change of a stake is recorded on the stake.
        excluded_fields=STORED_FIGURES,
    )

    class Meta:
        verbose_name = _("investor")
        verbose_name_plural = _("investors")
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
            external_id_constraint("investor"),
            FieldUniqueConstraint(
                Lower("name"),
                name="investor_name_unique_ci",
                field="name",
                violation_error_message=_("An investor with this name already exists."),
            ),
            FieldCheckConstraint(
                condition=Q(check_size_min_usd__isnull=True)
                | Q(check_size_max_usd__isnull=True)
                | Q(check_size_min_usd__lte=models.F("check_size_max_usd")),
                name="investor_check_size_min_lte_max",
                field="check_size_max_usd",
                violation_error_message=_(
                    "The largest check cannot be smaller than the smallest."
                ),
            ),
            FieldCheckConstraint(
                condition=Q(check_size_min_usd__gte=0),
                name="investor_check_size_min_not_negative",
                field="check_size_min_usd",
                violation_error_message=_("An amount cannot be negative."),
            ),
            FieldCheckConstraint(
                condition=Q(check_size_max_usd__gte=0),
                name="investor_check_size_max_not_negative",
                field="check_size_max_usd",
                violation_error_message=_("An amount cannot be negative."),
            ),
            FieldCheckConstraint(
                condition=Q(aum_usd__gte=0),
                name="investor_aum_not_negative",
                field="aum_usd",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The stored figures belong to the stake writes: an investor loaded
        # before a concurrent stake write and saved after it would otherwise
        # put its stale figures back. A new investor has no stakes to count.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in STORED_FIGURES
            ]
        super().save(*args, **kwargs)


class Contact(TimeStampedModel):
    """A person at an investor."""

    investor = models.ForeignKey(
        Investor,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("investor"),
    )
    first_name = models.CharField(max_length=100, verbose_name=_("first name"))
    last_name = models.CharField(max_length=100, verbose_name=_("last name"))
    title = models.CharField(max_length=200, blank=True, verbose_name=_("title"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=50, blank=True, verbose_name=_("phone"))
    linkedin_url = models.URLField(_("LinkedIn URL"), blank=True)
    notes = models.TextField(blank=True, verbose_name=_("notes"))

    external_id = external_id_field()

    objects = CRMQuerySet.as_manager()
    history = CRMHistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            # The default order of the API list and the admin.
            models.Index(
                fields=["last_name", "first_name", "id"], name="contact_name_id_idx"
            )
        ]
        constraints = [
            external_id_constraint("contact"),
        ]

    def __str__(self):
        # 王军, family name first, when the name is written in CJK characters.
        return person_name(self.first_name, self.last_name)

    @property
    def full_name(self):
        return str(self)
