"""The naive API the benchmark compares against: DRF as the tutorial writes it.

Plain ModelViewSets with nested ModelSerializers, and no select_related,
prefetch_related or annotation for what they show: each nested object and
each derived figure is read per row (N+1). Filters are plain queryset
filters across relations. Mounted only in the bench process
(bench/naive_urls.py), never in the app's URLs.

What keeps the comparison fair: the same rows in the same order (the same
ethical walls through `visible_to`, which is a rule rather than a tuning;
the same filter meanings; the same page size and pagination), the same
authentication, permissions and throttling. Two deliberate differences:

- Ordering by a derived figure (`-total_stake_usd`) needs the figure in the
  database: one SUM over a join, the textbook way. The serializer still
  computes every figure again, row by row.
- Investors nest their sectors and people, not their stakes: the largest
  investors hold over 10,000 stakes at full scale, so a page of them would
  nest about 100,000 stakes, a payload the app never sends (stakes are their
  own resource); the ratio would measure that payload, not the code.
"""

from decimal import Decimal

from django.db.models import F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers, viewsets

from crm.core.api.pagination import KeysetPagination
from crm.core.models import Sector
from crm.core.money import DECIMAL_PLACES, SUM_MAX_DIGITS
from crm.investors.models import Contact, Investor
from crm.notes.models import Interaction
from crm.portfolio.models import Company, Stake
from crm.portfolio.walls import visible_rounds_q

MONEY = serializers.DecimalField(
    max_digits=SUM_MAX_DIGITS, decimal_places=DECIMAL_PLACES
)
DATETIME = serializers.DateTimeField()


def listed(params, name):
    """The comma-separated values of query parameter `name`, or None."""
    value = params.get(name)
    return value.split(",") if value else None


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "slug", "name"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "first_name", "last_name", "title", "email", "phone"]


class CompanySerializer(CountryFieldMixin, serializers.ModelSerializer):
    sector = SectorSerializer()

    class Meta:
        model = Company
        fields = ["id", "name", "sector", "country", "status"]


class InvestorBriefSerializer(CountryFieldMixin, serializers.ModelSerializer):
    class Meta:
        model = Investor
        fields = ["id", "name", "kind", "country"]


class InvestorSerializer(CountryFieldMixin, serializers.ModelSerializer):
    sectors = SectorSerializer(many=True)
    contacts = ContactSerializer(many=True)
    total_stake_usd = serializers.SerializerMethodField()
    largest_stake_usd = serializers.SerializerMethodField()
    portfolio_count = serializers.SerializerMethodField()
    last_interaction_at = serializers.SerializerMethodField()

    class Meta:
        model = Investor
        fields = [
            "id",
            "name",
            "kind",
            "country",
            "city",
            "website",
            "description",
            "sectors",
            "contacts",
            "check_size_min_usd",
            "check_size_max_usd",
            "aum_usd",
            "owner",
            "total_stake_usd",
            "largest_stake_usd",
            "portfolio_count",
            "last_interaction_at",
            "created_at",
            "updated_at",
        ]

    def counted_stakes(self, investor):
        user = self.context["request"].user
        return Stake.objects.visible_to(user).filter(
            investor=investor, status__in=Stake.HELD
        )

    def get_total_stake_usd(self, investor):
        total = self.counted_stakes(investor).aggregate(total=Sum("amount_usd"))
        return MONEY.to_representation(total["total"] or Decimal(0))

    def get_largest_stake_usd(self, investor):
        largest = self.counted_stakes(investor).aggregate(largest=Max("amount_usd"))
        if largest["largest"] is None:
            return None
        return MONEY.to_representation(largest["largest"])

    def get_portfolio_count(self, investor):
        return self.counted_stakes(investor).values("company").distinct().count()

    def get_last_interaction_at(self, investor):
        user = self.context["request"].user
        latest = (
            Interaction.objects.visible_to(user)
            .filter(investor=investor)
            .aggregate(latest=Max("occurred_at"))
        )
        if latest["latest"] is None:
            return None
        return DATETIME.to_representation(latest["latest"])


class StakeSerializer(serializers.ModelSerializer):
    investor = InvestorBriefSerializer()
    company = CompanySerializer()

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
            "ownership_pct",
            "status",
            "is_lead",
            "as_of",
            "source",
            "created_at",
            "updated_at",
        ]


class InteractionSerializer(serializers.ModelSerializer):
    investor = InvestorBriefSerializer()
    contacts = ContactSerializer(many=True)
    company = CompanySerializer(allow_null=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "kind",
            "occurred_at",
            "investor",
            "contacts",
            "company",
            "round",
            "summary",
            "details",
            "follow_up_on",
            "follow_up_done",
            "logged_by",
            "created_at",
            "updated_at",
        ]


class InvestorViewSet(viewsets.ModelViewSet):
    """sector, country, stake_min, search and ordering=-total_stake_usd."""

    queryset = Investor.objects.all()
    serializer_class = InvestorSerializer

    def get_queryset(self):
        params, user = self.request.query_params, self.request.user
        matching = Investor.objects.all()
        if sectors := listed(params, "sector"):
            matching = matching.filter(sectors__in=Sector.objects.subtree(sectors))
        if countries := listed(params, "country"):
            matching = matching.filter(country__in=countries)
        if stake_min := params.get("stake_min"):
            # One filter() call: both conditions hold for the same stake.
            matching = matching.filter(
                visible_rounds_q(user, "stakes__round"),
                stakes__amount_usd__gte=Decimal(stake_min),
                stakes__status__in=Stake.HELD,
            )
        if text := params.get("search"):
            matching = matching.filter(
                Q(name__icontains=text)
                | Q(description__icontains=text)
                | Q(contacts__first_name__icontains=text)
                | Q(contacts__last_name__icontains=text)
                | Q(contacts__email__icontains=text)
            )
        investors = Investor.objects.all()
        if matching.query.where:
            # The filters' joins repeat rows; the subquery lists each once.
            investors = investors.filter(pk__in=matching.values("pk"))
        if params.get("ordering") == "-total_stake_usd":
            counted = Q(stakes__status__in=Stake.HELD) & visible_rounds_q(
                user, "stakes__round"
            )
            investors = investors.annotate(
                total_stake_usd=Coalesce(
                    Sum("stakes__amount_usd", filter=counted), Decimal(0)
                )
            ).order_by(F("total_stake_usd").desc(nulls_last=True), "pk")
        return investors


class StakeViewSet(viewsets.ModelViewSet):
    """sector (of the company), amount_min and investor."""

    queryset = Stake.objects.all()
    serializer_class = StakeSerializer
    # As the app's list: the same pages, and its cursors (S1 deep) work here.
    pagination_class = KeysetPagination

    def get_queryset(self):
        params = self.request.query_params
        stakes = Stake.objects.visible_to(self.request.user)
        if sectors := listed(params, "sector"):
            stakes = stakes.filter(company__sector__in=Sector.objects.subtree(sectors))
        if amount_min := params.get("amount_min"):
            stakes = stakes.filter(amount_usd__gte=Decimal(amount_min))
        if investors := listed(params, "investor"):
            stakes = stakes.filter(investor__in=investors)
        return stakes


class InteractionViewSet(viewsets.ModelViewSet):
    """investor and ordering=-occurred_at."""

    queryset = Interaction.objects.all()
    serializer_class = InteractionSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        params = self.request.query_params
        interactions = Interaction.objects.visible_to(self.request.user)
        if investors := listed(params, "investor"):
            interactions = interactions.filter(investor__in=investors)
        if params.get("ordering") == "-occurred_at":
            interactions = interactions.order_by(
                F("occurred_at").desc(nulls_last=True), "pk"
            )
        return interactions
