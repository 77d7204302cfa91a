"""Shared pieces: the timestamped base model, the sector tree, exchange rates."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower, Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from crm.core.constraints import FieldCheckConstraint, FieldUniqueConstraint
from crm.core.currencies import CURRENCY_CHOICES, USD
from crm.core.dates import validate_date_in_range
from crm.core.history import CRMHistoricalRecords


def sees_everything(user):
    """Superusers see past every ethical wall (crm.portfolio.walls)."""
    return bool(user and user.is_active and user.is_superuser)


class CRMQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The rows `user` may see: all of them, unless the model is walled.

        Models tied to funding rounds override this (see crm.portfolio.walls);
        the admin, the API and every figure go through it.
        """
        return self

    # The lookup from a row to its sector, for `in_sectors`; None where the
    # model has no sector of its own (investors define their focus sectors).
    sector_path = None

    def in_sectors(self, sectors):
        """Rows in any of `sectors` or a sector below them (slugs, ids or sectors)."""
        return self.filter(
            **{f"{self.sector_path}__in": Sector.objects.subtree(sectors)}
        )


# SQLite keeps a decimal as a 64-bit float, exact to 15 significant digits: a
# longer number would be stored rounded, and one rounded up past its column's
# largest value could not be read back. The rule holds on both databases, so
# what saves on one saves on the other, unchanged.
DECIMAL_SIGNIFICANT_DIGITS = 15


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(
        auto_now_add=True, editable=False, verbose_name=_("created at")
    )
    # Indexed: integrations sync with `updated_after`.
    updated_at = models.DateTimeField(
        auto_now=True, editable=False, db_index=True, verbose_name=_("updated at")
    )

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        """Django's checks of each field, and at most 15 significant digits a decimal.

        Values the application derives (USD amounts, not editable) have their
        own limit (crm.core.money).
        """
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.error_dict
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if (
                isinstance(field, models.DecimalField)
                and field.editable
                and field.name not in errors
                and field.name not in (exclude or ())
                and value is not None
                and len(value.normalize().as_tuple().digits)
                > DECIMAL_SIGNIFICANT_DIGITS
            ):
                errors[field.name] = [
                    ValidationError(
                        "Ensure that there are no more than "
                        f"{DECIMAL_SIGNIFICANT_DIGITS} significant digits.",
                        code="max_significant_digits",
                    )
                ]
        if errors:
            raise ValidationError(errors)


def currency_field(**kwargs):
    """A three-letter ISO 4217 code, upper case."""
    return models.CharField(
        max_length=3, choices=CURRENCY_CHOICES, default=USD, **kwargs
    )


EXTERNAL_ID_MAX_LENGTH = 255


def external_id_field():
    """The id another system (a warehouse, a sync script) gives the record.

    Optional; unique among the records that have one (external_id_constraint).
    The API upserts by it: `PUT /api/v1/<resource>/external/<external_id>/`.
    """
    return models.CharField(
        "external id",
        max_length=EXTERNAL_ID_MAX_LENGTH,
        blank=True,
        default="",
        help_text="Your own id for this record, unique among the records of its "
        "kind; empty for none.",
    )


def currency_shape_constraint(model_name, field="currency"):
    """The database's share of the currency rule: three upper-case letters."""
    return FieldCheckConstraint(
        condition=Q(Exact(Length(field), 3)) & Q(**{field: Upper(field)}),
        name=f"{model_name}_{field}_iso_4217",
        field=field,
        violation_error_message=_("Use a three-letter ISO 4217 code, e.g. USD."),
    )


class UnknownSectors(ValueError):
    """Sector slugs that name no sector."""

    def __init__(self, slugs):
        self.slugs = slugs
        super().__init__(f"Unknown sector: {', '.join(slugs)}.")


# Levels of the sector tree, as in GICS (sector, industry group, industry,
# sub-industry). The bound lets a filter find every sector below another in
# one subquery, without walking the tree first (SectorQuerySet.subtree).
MAX_SECTOR_DEPTH = 4


class SectorQuerySet(CRMQuerySet):
    def subtree(self, roots):
        """`roots` and every sector below them, as a subquery for `sector__in=`.

        `roots` are sectors, ids or slugs; a slug that names no sector
        matches nothing (the API reports it, see SectorFilter). No query of
        its own: a sector is below a root if the root is one of its first
        MAX_SECTOR_DEPTH - 1 ancestors (Sector.clean keeps the tree that
        shallow).
        """
        slugs = [root for root in roots if isinstance(root, str)]
        ids = [getattr(root, "pk", root) for root in roots if not isinstance(root, str)]
        below = Q(pk__in=ids) | Q(slug__in=slugs)
        for depth in range(1, MAX_SECTOR_DEPTH):
            ancestor = "__".join(["parent"] * depth)
            below |= Q(
                **{f"{ancestor}__in": ids, f"{ancestor}__slug__in": slugs},
                _connector=Q.OR,
            )
        return Sector.objects.filter(below).order_by().values("pk")


class Sector(TimeStampedModel):
    name = models.CharField(max_length=100, verbose_name=_("name"))
    slug = models.SlugField(max_length=100, unique=True, verbose_name=_("slug"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_(
            "The broader sector, e.g. Artificial intelligence for Computer vision."
        ),
        verbose_name=_("parent"),
    )

    objects = SectorQuerySet.as_manager()
    history = CRMHistoricalRecords()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name", "id"]
        constraints = [
            FieldUniqueConstraint(
                Lower("name"),
                name="sector_name_unique_ci",
                field="name",
                violation_error_message=_("A sector with this name already exists."),
            ),
            FieldCheckConstraint(
                condition=~Q(parent=F("id")),
                name="sector_not_own_parent",
                field="parent",
                violation_error_message=_("A sector cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.parent_id:
            return
        # One read of the (small) tree answers both rules.
        parents = dict(Sector.objects.values_list("pk", "parent_id"))
        ancestors = []
        ancestor = self.parent_id
        while ancestor is not None and ancestor not in ancestors:
            ancestors.append(ancestor)
            ancestor = parents.get(ancestor)
        if self.pk is not None and self.pk in ancestors:
            raise ValidationError(
                {
                    "parent": "A sector cannot sit below itself or one of its sub-sectors."
                }
            )
        if len(ancestors) + 1 + self._height(parents) > MAX_SECTOR_DEPTH:
            raise ValidationError(
                {
                    "parent": f"Sectors nest at most {MAX_SECTOR_DEPTH} levels deep; "
                    "choose a broader parent."
                }
            )

    def _height(self, parents):
        """Levels from this sector down to its deepest sub-sector, minus one."""
        children = {}
        for pk, parent_id in parents.items():
            children.setdefault(parent_id, []).append(pk)
        height, level = 0, [self.pk] if self.pk else []
        while level := [child for pk in level for child in children.get(pk, ())]:
            height += 1
        return height


class ExchangeRate(TimeStampedModel):
    currency = currency_field()
    usd_per_unit = models.DecimalField(
        _("USD per unit"),
        max_digits=20,
        decimal_places=10,
        help_text=_("How many US dollars one unit buys."),
    )
    valid_from = models.DateField(
        help_text=_("The rate applies from this day until the next rate."),
        validators=[validate_date_in_range],
        verbose_name=_("valid from"),
    )

    objects = CRMQuerySet.as_manager()
    history = CRMHistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"],
                name="exchange_rate_unique_per_day",
                violation_error_message=_(
                    "There is already a rate for this currency from this day."
                ),
            ),
            FieldCheckConstraint(
                condition=Q(usd_per_unit__gt=0),
                name="exchange_rate_positive",
                field="usd_per_unit",
                violation_error_message=_("A rate must be greater than zero."),
            ),
            FieldCheckConstraint(
                condition=~Q(currency=USD) | Q(usd_per_unit=Decimal(1)),
                name="exchange_rate_usd_is_one",
                field="usd_per_unit",
                violation_error_message=_("One US dollar is always worth 1 USD."),
            ),
            currency_shape_constraint("exchange_rate"),
        ]

    def __str__(self):
        return f"{self.currency} {self.usd_per_unit} USD from {self.valid_from}"


class Team(TimeStampedModel):
    """A named set of users; confidential rounds are visible to their teams only."""

    name = models.CharField(max_length=100, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="crm_teams",
        verbose_name=_("members"),
    )

    objects = CRMQuerySet.as_manager()
    history = CRMHistoricalRecords(m2m_fields=["members"])

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name", "id"]
        constraints = [
            FieldUniqueConstraint(
                Lower("name"),
                name="team_name_unique_ci",
                field="name",
                violation_error_message=_("A team with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name
