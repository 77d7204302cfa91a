"""What each list exports and imports: its columns and, for imports, how rows are found and saved.

Keyed by model label and filled lazily, so the admins of the other apps can
ask without this app importing them at load time.
"""

from functools import cache

from crm.transfer.columns import columns_for


@cache
def serializers():
    from crm.core.api.serializers import ExchangeRateSerializer, SectorSerializer
    from crm.investors.api.serializers import ContactSerializer, InvestorSerializer
    from crm.notes.api.serializers import DealNoteSerializer, InteractionSerializer
    from crm.portfolio.api.serializers import (
        CompanySerializer,
        FundingRoundSerializer,
        StakeSerializer,
    )

    return {
        serializer.Meta.model._meta.label_lower: serializer
        for serializer in (
            SectorSerializer,
            ExchangeRateSerializer,
            InvestorSerializer,
            ContactSerializer,
            CompanySerializer,
            FundingRoundSerializer,
            StakeSerializer,
            InteractionSerializer,
            DealNoteSerializer,
        )
    }


def export_columns(model):
    """The API's columns for a model with an API, the model's own fields otherwise."""
    return columns_for(model, serializers().get(model._meta.label_lower))
