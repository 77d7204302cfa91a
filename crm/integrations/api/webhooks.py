"""`/api/v1/webhooks/`: subscriptions, their secret, deliveries and replays."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.pagination import PageNumberPagination
from crm.core.api.query_params import StrictQueryParametersMixin
from crm.integrations import destinations, webhooks
from crm.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.CharField(),
        min_length=1,
        help_text=_('Event types such as "investor.created", "stake.*", or "*".'),
    )
    filters = serializers.DictField(
        required=False,
        help_text=_(
            'Field values a record must have to be sent, e.g. {"country": '
            '["CN", "HK"]} or {"sector": ["computer-vision"]}; deletions always are.'
        ),
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "filters",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_active", "disabled_at", "disabled_reason"]

    def validate_url(self, url):
        try:
            destinations.check(url)
        except destinations.RefusedDestination as refused:
            raise serializers.ValidationError(str(refused)) from refused
        return url

    def validate_events(self, events):
        known = set(webhooks.event_types())
        prefixes = {event.split(".")[0] for event in known}
        unknown = [
            event
            for event in events
            if event != "*"
            and event not in known
            and not (event.endswith(".*") and event[:-2] in prefixes)
        ]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown event type: {', '.join(unknown)}. "
                f"Known: *, {', '.join(sorted(known))} (or <resource>.*)."
            )
        return events

    def validate_filters(self, filters):
        for field, values in filters.items():
            if not isinstance(values, list | str | int | bool):
                raise serializers.ValidationError(
                    f"{field}: give a value or a list of values."
                )
        return filters


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text=_(
            "The signing secret (Standard Webhooks, whsec_...): shown "
            "only in this response."
        ),
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text=_("The new signing secret, shown once."))
    previous_secret_expires_at = serializers.DateTimeField(
        help_text=_("Until then the previous secret signs too.")
    )


class ReplaySerializer(serializers.Serializer):
    delivery = serializers.IntegerField(
        help_text=_("The id of the delivery to send again (from deliveries/).")
    )


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "duration_ms", "error"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_duration_ms",
            "last_error",
            "delivered_at",
            "created_at",
            "attempt_log",
        ]


class WebhookEndpointViewSet(
    StrictQueryParametersMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your webhook endpoints: each change you may see, signed, POSTed to `url`.

    Deliveries follow Standard Webhooks 1.0 (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`), with a JSON body `{type, timestamp, data}`. A failed
    delivery is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h;
    after the last failure the endpoint is disabled.
    """

    queryset = WebhookEndpoint.objects.all()
    serializer_class = WebhookEndpointSerializer

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(owner=self.request.user)

    @extend_schema(responses={201: WebhookEndpointCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhooks.endpoint_create(
            owner=request.user, **serializer.validated_data
        )
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data,
            status=status.HTTP_201_CREATED,
            headers={
                "Location": self.reverse_action("detail", kwargs={"pk": endpoint.pk})
            },
        )

    @extend_schema(request=None, responses={200: SecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret; the previous one keeps signing beside it for 24 h."""
        endpoint = webhooks.secret_rotate(endpoint=self.get_object())
        return Response(
            {
                "secret": endpoint.secret,
                "previous_secret_expires_at": endpoint.previous_secret_expires_at,
            }
        )

    @extend_schema(request=None, responses={200: WebhookEndpointSerializer})
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        """Back in service after being disabled; waiting deliveries go out again."""
        endpoint = self.get_object()
        webhooks.endpoint_enable(endpoint=endpoint)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=PageNumberPagination)
    def deliveries(self, request, pk=None):
        """Deliveries to this endpoint, newest first, with each attempt."""
        deliveries = self.get_object().deliveries.prefetch_related("attempt_log")
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(
            WebhookDeliverySerializer(page, many=True).data
        )

    @extend_schema(request=ReplaySerializer, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Send one of this endpoint's deliveries again, with the same message id."""
        asked = ReplaySerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        delivery = get_object_or_404(
            self.get_object().deliveries, pk=asked.validated_data["delivery"]
        )
        webhooks.delivery_replay(delivery=delivery)
        delivery.refresh_from_db()
        return Response(
            WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED
        )
