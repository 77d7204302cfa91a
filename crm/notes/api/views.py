"""The contact log and deal notes."""

from crm.core.api.pagination import KeysetPagination
from crm.core.api.upserts import UpsertMixin
from crm.core.api.views import CRMViewSet
from crm.notes.api.filters import DealNoteFilterSet, InteractionFilterSet
from crm.notes.api.serializers import DealNoteSerializer, InteractionSerializer
from crm.notes.models import DealNote, Interaction


class InteractionViewSet(UpsertMixin, CRMViewSet):
    """The contact log, newest first; `logged_by` is the user who logged the entry."""

    # A million rows and more: pages by keyset, no count (crm.core.api.pagination).
    pagination_class = KeysetPagination
    # Relations are shown as ids, read from the row itself: only the people
    # present need a query (one for the whole page).
    queryset = Interaction.objects.prefetch_related("contacts")
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilterSet


class DealNoteViewSet(UpsertMixin, CRMViewSet):
    """Deal notes, pinned first then newest; `author` is the user who wrote it."""

    queryset = DealNote.objects.all()
    serializer_class = DealNoteSerializer
    filterset_class = DealNoteFilterSet
