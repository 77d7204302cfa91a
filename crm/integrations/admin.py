"""Webhook endpoints and their deliveries in the admin; disabled endpoints are announced."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from crm.integrations import webhooks
from crm.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "is_active", "disabled_reason", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "description", "owner__username"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    fields = [
        "owner",
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
    readonly_fields = ["disabled_at", "disabled_reason", "created_at", "updated_at"]
    actions = ["enable"]

    def has_add_permission(self, request):
        # Created through the API, whose response is the only place the
        # signing secret is shown.
        return False

    def changelist_view(self, request, extra_context=None):
        disabled = WebhookEndpoint.objects.filter(
            is_active=False, disabled_at__isnull=False
        )
        for endpoint in disabled:
            self.message_user(
                request,
                _(
                    "Webhook endpoint %(url)s is disabled: %(reason)s Fix it, then "
                    "use “Enable”."
                )
                % {"url": endpoint.url, "reason": endpoint.disabled_reason},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Enable (send waiting deliveries again)"))
    def enable(self, request, queryset):
        for endpoint in queryset:
            webhooks.endpoint_enable(endpoint=endpoint)
        self.message_user(
            request,
            _("Enabled %(count)s endpoint(s).") % {"count": queryset.count()},
        )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "duration_ms", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "message_id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["message_id", "record_key", "endpoint__url"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint",
        "message_id",
        "event_type",
        "record_key",
        "change_cursor",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_duration_ms",
        "last_error",
        "delivered_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    inlines = [WebhookAttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Replay (send again, same message id)"))
    def replay(self, request, queryset):
        for delivery in queryset:
            webhooks.delivery_replay(delivery=delivery)
        self.message_user(
            request,
            _("Replaying %(count)s delivery(ies).") % {"count": queryset.count()},
        )
