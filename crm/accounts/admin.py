"""API tokens in the admin: listed and revoked, never created or edited here;
and the users' page, where a superuser unlocks a locked-out account."""

from axes.utils import reset as reset_failed_logins
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone

from crm.accounts.models import ApiToken


class TokenStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("usable", "Usable"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        match self.value():
            case "usable":
                return queryset.usable()
            case "expired":
                return queryset.filter(expires_at__lte=timezone.now())
            case "revoked":
                return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "read_only",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [TokenStatusFilter, "read_only"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = []
    readonly_fields = list_display
    fields = list_display
    actions = ["revoke"]

    # Creation is `manage.py create_api_token` (or the service): the secret is
    # shown once, to whoever creates the token, and nothing edits it later.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(permissions=["revoke"], description="Revoke selected tokens")
    def revoke(self, request, queryset):
        count = queryset.revoke()
        self.message_user(
            request, f"Revoked {count} token(s); they no longer work.", messages.SUCCESS
        )


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class CrmUserAdmin(UserAdmin):
    actions = ["unlock"]

    def has_unlock_permission(self, request):
        return request.user.is_superuser

    @admin.action(permissions=["unlock"], description="Unlock selected accounts")
    def unlock(self, request, queryset):
        """Forget the accounts' failed logins (django-axes), which lifts a lockout."""
        usernames = list(queryset.values_list("username", flat=True))
        for username in usernames:
            reset_failed_logins(username=username)
        self.message_user(
            request,
            f"Unlocked {len(usernames)} account(s): their failed logins are "
            "forgotten and they may log in again.",
            messages.SUCCESS,
        )
