"""Investors with their derived figures, and the people who work there."""

from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from crm.core.api.serializers import (
    SlugRelatedField,
    ValidatedModelSerializer,
    money_field,
)
from crm.core.models import Sector
from crm.investors.models import Contact, Investor


class InvestorSerializer(CountryFieldMixin, ValidatedModelSerializer):
    aliases = serializers.ListField(
        # Blank entries reach the model's rule (validate_aliases), as companies' do.
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=_("Other names the investor goes by, e.g. investors merged into it."),
    )
    sectors = SlugRelatedField(
        slug_field="slug",
        queryset=Sector.objects.all(),
        many=True,
        required=False,
        help_text=_("Slugs of the focus sectors."),
    )
    # Derived from stakes and the contact log by Investor.objects.with_figures().
    total_stake_usd = money_field(
        help_text=_("Sum of the investor's held stakes (committed and closed) in USD.")
    )
    largest_stake_usd = money_field(
        allow_null=True,
        help_text=_(
            "The largest held stake (committed or closed) in USD; null without one."
        ),
    )
    portfolio_count = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "Number of distinct companies in which the investor holds a stake "
            "(committed or closed)."
        ),
    )
    pipeline_usd = money_field(
        help_text=_(
            "Pipeline, not held: sum of the stakes still prospects or in talks, in USD."
        )
    )
    last_interaction_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_("When the latest logged interaction took place."),
    )

    class Meta:
        model = Investor
        fields = [
            "id",
            "name",
            "aliases",
            "kind",
            "country",
            "city",
            "website",
            "description",
            "sectors",
            "check_size_min_usd",
            "check_size_max_usd",
            "aum_usd",
            "owner",
            "contact_cadence_days",
            "total_stake_usd",
            "largest_stake_usd",
            "portfolio_count",
            "pipeline_usd",
            "last_interaction_at",
            "external_id",
            "created_at",
            "updated_at",
        ]


class ContactSerializer(ValidatedModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "investor",
            "first_name",
            "last_name",
            "title",
            "email",
            "phone",
            "linkedin_url",
            "notes",
            "external_id",
            "created_at",
            "updated_at",
        ]
