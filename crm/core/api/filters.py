"""Filter building blocks shared by every resource's FilterSet.

Conventions: a list of values is comma-separated and means "any of"
(`country=CN,HK`); an invalid value is a 400 naming the parameter, never a
silently unfiltered list; amounts are in USD.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Func, Subquery
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from crm.core.currencies import CURRENCY_CHOICES
from crm.core.models import ExchangeRate, Sector, UnknownSectors


class IdField(forms.IntegerField):
    """A positive whole number that fits a database id column."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC; one that cannot be is invalid.

    PostgreSQL refuses UTC offsets past 15:59 that ISO 8601 and Python allow
    (a 500 if passed through), and near year 1 or 9999 the conversion the
    database needs can leave the calendar.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class NumberInFilter(filters.BaseInFilter, filters.NumberFilter):
    """Comma-separated ids; matches any of them."""

    field_class = IdField


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """Comma-separated choice values; an unknown value is a 400."""


class SharedChoices(tuple):
    """Choices every FilterSet instance shares instead of deep-copying them.

    A FilterSet deep-copies its filters per request; copying the 250
    countries cost about a millisecond of every list and detail request.
    """

    def __deepcopy__(self, memo):
        return self


COUNTRY_CHOICES = SharedChoices((code, name) for code, name in countries)


def country_filter(field_name="country", help_text="ISO 3166-1 alpha-2 codes, any of."):
    return ChoiceInFilter(
        field_name=field_name,
        lookup_expr="in",
        choices=COUNTRY_CHOICES,
        help_text=help_text,
    )


def ids_filter(field_name, help_text):
    return NumberInFilter(field_name=field_name, lookup_expr="in", help_text=help_text)


def choices_filter(field_name, choices, help_text):
    return ChoiceInFilter(
        field_name=field_name, lookup_expr="in", choices=choices, help_text=help_text
    )


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is invalid rather than ignored."""

    # A text input hands over the raw value: django-filter's BooleanWidget turns
    # unknown values into None, which would silently leave the list unfiltered.
    widget = forms.TextInput
    values = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.values[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(
                _("Use true or false."), code="invalid"
            ) from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class SectorSlugsField(django_filters.fields.BaseCSVField, forms.CharField):
    """Comma-separated sector slugs, each once; whether they name sectors is
    left to the list's own query (`every_slug_named`)."""

    def clean(self, value):
        slugs = super().clean(value)
        if not slugs:
            return slugs
        if not all(slugs):
            raise forms.ValidationError(
                _("Give sector slugs separated by commas."), code="invalid"
            )
        return list(dict.fromkeys(slugs))


def every_slug_named(queryset, slugs, name):
    """`queryset`, or none of it if a slug names no sector.

    A subquery of the list's own query, so a valid filter costs no query of
    its own; an empty list asks `CRMFilterSet.explain_empty` which slug it was.
    """
    named = Sector.objects.filter(slug__in=slugs).order_by()
    count = Subquery(named.values(n=Func(F("pk"), function="COUNT")))
    return queryset.alias(**{f"{name}_named": count}).filter(
        **{f"{name}_named": len(slugs)}
    )


class SectorFilter(filters.BaseInFilter, filters.CharFilter):
    """Comma-separated sector slugs, each with every sector below it.

    Delegates to the queryset's `in_sectors`, which each filtered model
    defines by its path to a sector. A slug that names no sector is a 400
    (`CRMFilterSet.explain_empty`).
    """

    base_field_class = SectorSlugsField

    def filter(self, qs, value):
        if not value:
            return qs
        return every_slug_named(qs.in_sectors(value), value, self.field_name)


class StableOrderingFilter(filters.OrderingFilter):
    """`ordering=-field`, empty values last on every database, ties by id.

    Columns that are never empty are sorted without a NULLS clause, so that a
    plain index on them serves the sort (an index cannot declare NULLS LAST
    on SQLite); `never_null` names the annotations that are never empty.
    """

    def __init__(self, *args, never_null=(), **kwargs):
        self.never_null = frozenset(never_null)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if not all(value):
            # An empty entry ("name,,") is not a field: a 400 as SectorFilter's.
            raise ValidationError(
                {self.field_name: [_("Give field names separated by commas.")]}
            )
        expressions = []
        for param in value:
            descending = param.startswith("-")
            name = self.param_map[param.lstrip("-")]
            field = F(name)
            nulls = {"nulls_last": True} if self._nullable(qs.model, name) else {}
            expressions.append(
                field.desc(**nulls) if descending else field.asc(**nulls)
            )
        return qs.order_by(*expressions, "pk")

    def _nullable(self, model, name):
        if name in self.never_null:
            return False
        try:
            return model._meta.get_field(name).null
        except FieldDoesNotExist:
            return True  # an annotation: empty unless declared otherwise


def ordering_filter(*fields, never_null=()):
    # Every list can be ordered by when its records last changed (syncs).
    if "updated_at" not in fields:
        fields = (*fields, "updated_at")
    names = ", ".join(fields)
    return StableOrderingFilter(
        fields=[(field, field) for field in fields],
        never_null=never_null,
        help_text=f"Sort by one of: {names}; prefix with - for descending.",
    )


class CRMFilterSet(filters.FilterSet):
    """Every resource can be synced incrementally with `updated_after`.

    And ordered by `updated_at` (lists with their own `ordering` add it).
    """

    updated_after = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_("Only records changed at or after this ISO 8601 date-time."),
    )
    ordering = ordering_filter()

    def explain_empty(self):
        """Raise a 400 naming a sector slug that matched no sector, if any.

        Asked only when a list comes back empty: that is the one case where
        an unknown slug can have changed the answer (`every_slug_named`).
        """
        for name, filter_ in self.filters.items():
            slugs = self.form.cleaned_data.get(name)
            if isinstance(filter_, SectorFilter) and slugs:
                known = set(
                    Sector.objects.filter(slug__in=slugs).values_list("slug", flat=True)
                )
                if unknown := [slug for slug in slugs if slug not in known]:
                    raise ValidationError({name: [str(UnknownSectors(unknown))]})


class CharInFilter(filters.BaseInFilter, filters.CharFilter):
    """Values separated by commas, any of."""


class ExternalIdFilterSet(CRMFilterSet):
    """The lists of records that carry an `external_id` (crm.core.models)."""

    external_id = CharInFilter(
        field_name="external_id",
        lookup_expr="in",
        help_text="Your own ids (`external_id`), separated by commas, any of.",
    )


class SectorFilterSet(CRMFilterSet):
    parent = filters.CharFilter(
        field_name="parent__slug",
        lookup_expr="exact",
        help_text=_("Slug of the parent sector: its direct sub-sectors."),
    )
    search = filters.CharFilter(
        field_name="name", lookup_expr="icontains", help_text=_("Part of the name.")
    )

    class Meta:
        model = Sector
        fields = []


class ExchangeRateFilterSet(CRMFilterSet):
    currency = choices_filter(
        "currency", CURRENCY_CHOICES, "ISO 4217 codes, any of (e.g. CNY,HKD)."
    )

    class Meta:
        model = ExchangeRate
        fields = []
