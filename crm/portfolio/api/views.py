"""Companies, funding rounds and stakes: one viewset each."""

from crm.core import fx
from crm.core.api.pagination import KeysetPagination
from crm.core.api.upserts import UpsertMixin
from crm.core.api.views import CRMViewSet
from crm.portfolio.api.filters import (
    CompanyFilterSet,
    FundingRoundFilterSet,
    StakeFilterSet,
)
from crm.portfolio.api.serializers import (
    CompanySerializer,
    FundingRoundSerializer,
    StakeSerializer,
)
from crm.portfolio.models import Company, FundingRound, Stake
from crm.portfolio.services import round_delete, stake_delete
from crm.transfer.api.duplicates import DuplicateCheckMixin
from crm.transfer.api.merging import MergeMixin


class CompanyViewSet(UpsertMixin, MergeMixin, DuplicateCheckMixin, CRMViewSet):
    """Portfolio companies with their derived figures (total raised, latest valuation)."""

    # One query per page: the figures are subqueries, the sector slug a join.
    queryset = Company.objects.select_related("sector")
    serializer_class = CompanySerializer
    filterset_class = CompanyFilterSet

    def get_queryset(self):
        # Figures count only the rounds the requesting user may see.
        return super().get_queryset().with_figures(self.request.user)


class FundingRoundViewSet(UpsertMixin, CRMViewSet):
    """Funding rounds; every amount also in USD at the rate of `announced_on`."""

    queryset = FundingRound.objects.prefetch_related("teams")
    serializer_class = FundingRoundSerializer
    filterset_class = FundingRoundFilterSet

    def perform_destroy(self, instance):
        round_delete(funding_round=instance, user=self.request.user)

    def get_queryset(self):
        # The rate's date is a subquery of the same SELECT: no query per row.
        return (
            super()
            .get_queryset()
            .annotate(fx_rate_date=fx.rate_date_subquery("currency", "announced_on"))
        )


class StakeViewSet(UpsertMixin, CRMViewSet):
    """Investors' stakes in companies, and the pipeline of rounds being raised."""

    # A million rows and more: pages by keyset, no count (crm.core.api.pagination).
    pagination_class = KeysetPagination
    queryset = Stake.objects.all()
    serializer_class = StakeSerializer
    filterset_class = StakeFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(fx_rate_date=fx.rate_date_subquery("currency", "as_of"))
        )

    def perform_destroy(self, instance):
        stake_delete(stake=instance, user=self.request.user)
