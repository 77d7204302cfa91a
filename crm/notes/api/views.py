"""The contact log and deal notes."""

from crm.core.api.views import CRMViewSet
from crm.notes.api.filters import DealNoteFilterSet, InteractionFilterSet
from crm.notes.api.serializers import DealNoteSerializer, InteractionSerializer
from crm.notes.models import DealNote, Interaction


class InteractionViewSet(CRMViewSet):
    """The contact log, newest first; `logged_by` is the user who logged the entry."""

    serializer_class = InteractionSerializer
    filterset_class = InteractionFilterSet

    def get_queryset(self):
        # Relations are shown as ids, read from the row itself: only the
        # people present need a query (one for the whole page).
        return Interaction.objects.prefetch_related("contacts")


class DealNoteViewSet(CRMViewSet):
    """Deal notes, pinned first then newest; `author` is the user who wrote it."""

    serializer_class = DealNoteSerializer
    filterset_class = DealNoteFilterSet

    def get_queryset(self):
        return DealNote.objects.all()
