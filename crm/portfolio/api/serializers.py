"""Companies, funding rounds and stakes as the API reads and writes them."""

from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from crm.core.api.serializers import (
    SlugRelatedField,
    ValidatedModelSerializer,
    money_field,
)
from crm.core.models import Sector
from crm.portfolio.models import Company, FundingRound, Stake
from crm.portfolio.services import round_save, stake_save


class CompanySerializer(CountryFieldMixin, ValidatedModelSerializer):
    """A portfolio company; its USD figures are derived from its rounds."""

    aliases = serializers.ListField(
        # Blank entries get through here so that the model's own rule
        # (validate_aliases) reports them, in one message on `aliases`.
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=_('Other names the company goes by, e.g. ["Face++"] for Megvii.'),
    )
    sector = SlugRelatedField(
        slug_field="slug",
        queryset=Sector.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Slug of the company's sector."),
    )
    total_raised_usd = money_field(
        help_text=_(
            "Sum of raised_usd over the rounds not cancelled (a round's "
            "raised amount, or what its committed and closed stakes hold)."
        )
    )
    latest_valuation_usd = money_field(
        allow_null=True,
        help_text=_(
            "Post-money valuation (USD) of the latest announced round "
            "not cancelled that has one."
        ),
    )

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "aliases",
            "sector",
            "country",
            "city",
            "website",
            "description",
            "founded_year",
            "status",
            "total_raised_usd",
            "latest_valuation_usd",
            "external_id",
            "created_at",
            "updated_at",
        ]


def fx_rate_date_field(date_field):
    """The date of the rate the USD values were converted with (annotated by the view)."""
    return serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The date (valid_from) of the exchange rate the USD values "
        f"were converted with: the latest on or before {date_field}. Null for "
        "US dollars and when no rate is on file. More than 45 days before "
        f"{date_field} means the rate is stale: add a newer rate and save the "
        "record again to convert it anew.",
    )


ROUND_USD_HELP = (
    "The amount in US dollars at the rate of announced_on (today if empty)."
)


class FundingRoundSerializer(ValidatedModelSerializer):
    """A company's funding round; each amount is in `currency`, with its USD value."""

    target_amount_usd = money_field(allow_null=True, help_text=ROUND_USD_HELP)
    raised_amount_usd = money_field(allow_null=True, help_text=ROUND_USD_HELP)
    held_usd = money_field(
        help_text="The USD total of the committed and closed stakes in the round."
    )
    raised_usd = money_field(
        allow_null=True,
        help_text="The round's raised figure: raised_amount_usd when a raised "
        "amount is entered, otherwise held_usd when it is above 0, otherwise null.",
    )
    pre_money_valuation_usd = money_field(allow_null=True, help_text=ROUND_USD_HELP)
    post_money_valuation_usd = money_field(allow_null=True, help_text=ROUND_USD_HELP)
    fx_rate_date = fx_rate_date_field("announced_on (today if empty)")

    class Meta:
        model = FundingRound
        fields = [
            "id",
            "company",
            "name",
            "stage",
            "status",
            "currency",
            "target_amount",
            "target_amount_usd",
            "raised_amount",
            "raised_amount_usd",
            "held_usd",
            "raised_usd",
            "pre_money_valuation",
            "pre_money_valuation_usd",
            "post_money_valuation",
            "post_money_valuation_usd",
            "fx_rate_date",
            "announced_on",
            "closed_on",
            "confidential",
            "teams",
            "external_id",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "teams": {
                "help_text": "Ids of the teams that may see a "
                "confidential round; include one of yours."
            }
        }

    def save_instance(self, instance, many_to_many):
        # Checks who may wall the round off, and moves its stakes between the
        # open and walled figures when that changes.
        return round_save(
            funding_round=instance,
            teams=many_to_many.get("teams"),
            user=self.context["request"].user,
        )


class StakeSerializer(ValidatedModelSerializer):
    """An investor's stake in a company, optionally through one of its rounds."""

    amount_usd = money_field(
        allow_null=True, help_text=_("The amount in US dollars at the rate of as_of.")
    )
    fx_rate_date = fx_rate_date_field("as_of")

    class Meta:
        model = Stake
        fields = [
            "id",
            "investor",
            "company",
            "round",
            "amount",
            "currency",
            "amount_usd",
            "fx_rate_date",
            "ownership_pct",
            "status",
            "is_lead",
            "as_of",
            "source",
            "external_id",
            "created_at",
            "updated_at",
        ]

    def save_instance(self, instance, many_to_many):
        # The investors' stored figures follow every stake write.
        return stake_save(stake=instance, user=self.context["request"].user)
