"""The base of every CRM viewset."""

from rest_framework import viewsets

from crm.core.api.concurrency import ConditionalRequestsMixin
from crm.core.api.filters import ExchangeRateFilterSet, SectorFilterSet
from crm.core.api.history import RecordHistoryMixin
from crm.core.api.query_params import StrictQueryParametersMixin
from crm.core.api.serializers import ExchangeRateSerializer, SectorSerializer
from crm.core.deletion import delete_record
from crm.core.models import ExchangeRate, Sector
from crm.transfer.api.exports import ExportableListMixin


class CRMViewSet(
    StrictQueryParametersMixin,
    ExportableListMixin,
    RecordHistoryMixin,
    ConditionalRequestsMixin,
    viewsets.ModelViewSet,
):
    """List, retrieve, create, update, partial update and delete one resource.

    Writes are validated by the model layer (see ValidatedModelSerializer);
    a delete that other records depend on is a 409 naming them; a create
    answers 201 with a `Location` header. Every detail response has an ETag
    and writes honour If-Match (see crm.core.api.concurrency). `<id>/history/`
    lists the record's changes (see crm.core.api.history). A list also
    answers as CSV or XLSX, every matching row (crm.transfer.api.exports).
    """

    # What a delete refuses beyond the usual, for its description in the schema.
    deletion_rule = ""

    def get_queryset(self):
        # Ethical walls: a hidden record is absent from lists and a 404 on
        # detail and writes, exactly like a record that does not exist.
        return super().get_queryset().visible_to(self.request.user)

    def filter_queryset(self, queryset):
        # Query parameters filter lists. DRF would also build and validate
        # the whole FilterSet for a detail request or a write (about 2 ms),
        # to the effect of a 404 for a record outside a filter nobody means.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and not page and self.filterset_class is not None:
            # An empty list may be the answer to a parameter naming nothing
            # (an unknown sector slug): the FilterSet says which, as a 400.
            filterset = self.filterset_class(
                self.request.query_params, queryset=queryset, request=self.request
            )
            if filterset.is_valid():
                filterset.explain_empty()
        return page

    def perform_create(self, serializer):
        serializer.save()
        self._reload(serializer)

    def perform_update(self, serializer):
        serializer.save()
        self._reload(serializer)

    def perform_destroy(self, instance):
        delete_record(instance)

    def get_success_headers(self, data):
        return {"Location": self.reverse_action("detail", kwargs={"pk": data["id"]})}

    def _reload(self, serializer):
        # The response shows derived figures, which only get_queryset() annotates.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class SectorViewSet(CRMViewSet):
    """The sector tree; `parent` and `sector` filters elsewhere take slugs."""

    queryset = Sector.objects.select_related("parent")
    serializer_class = SectorSerializer
    filterset_class = SectorFilterSet


class ExchangeRateViewSet(CRMViewSet):
    """Rates to USD; an amount uses the latest rate on or before its date."""

    queryset = ExchangeRate.objects.all()
    serializer_class = ExchangeRateSerializer
    filterset_class = ExchangeRateFilterSet
