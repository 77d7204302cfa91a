"""Investors and contacts over the API."""

from crm.core.api.upserts import UpsertMixin
from crm.core.api.views import CRMViewSet
from crm.investors.api.filters import ContactFilterSet, InvestorFilterSet
from crm.investors.api.serializers import ContactSerializer, InvestorSerializer
from crm.investors.models import Contact, Investor
from crm.transfer.api.duplicates import DuplicateCheckMixin
from crm.transfer.api.merging import MergeMixin


class InvestorViewSet(UpsertMixin, MergeMixin, DuplicateCheckMixin, CRMViewSet):
    """Investors with their stake totals, portfolio size and last contact."""

    deletion_rule = (
        "An investor with stakes, logged interactions or deal notes is kept "
        "(409); otherwise its contacts go with it."
    )

    queryset = Investor.objects.prefetch_related("sectors")
    serializer_class = InvestorSerializer
    filterset_class = InvestorFilterSet

    def get_queryset(self):
        # The figures are correlated subqueries of the page query itself, and
        # count only what the requesting user may see.
        return super().get_queryset().with_figures(self.request.user)


class ContactViewSet(UpsertMixin, MergeMixin, DuplicateCheckMixin, CRMViewSet):
    """People at investors."""

    deletion_rule = "A person present at a logged interaction is kept (409)."

    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
