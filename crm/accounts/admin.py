"""API tokens in the admin: listed and revoked by their owners, never created or
edited here; and the users' page, where a superuser unlocks a locked-out account."""

from axes.utils import reset as reset_failed_logins
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.accounts.models import ApiToken, UserSettings
from crm.accounts.views import UserSettingsForm


class TokenStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("usable", _("Usable")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
        ]

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
    """Every staff user sees and revokes their own tokens; a superuser, everyone's.

    The secret is never shown (only its hash is stored); the prefix lets its
    owner recognise a token.
    """

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

    def get_queryset(self, request):
        tokens = super().get_queryset(request)
        if request.user.is_superuser:
            return tokens
        return tokens.filter(user=request.user)

    # Creation is `manage.py create_api_token` (or the service): the secret is
    # shown once, to whoever creates the token, and nothing edits it later.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # One's own tokens need no model permission: the admin's login already
    # requires an active staff user, and the list holds only their tokens.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or request.user.is_superuser or obj.user_id == request.user.pk
        )

    def has_revoke_permission(self, request):
        return self.has_module_permission(request)

    @admin.action(permissions=["revoke"], description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        # `queryset` is within get_queryset(): a user's own tokens only.
        count = queryset.revoke()
        self.message_user(
            request,
            _("Revoked %(count)d token(s); they no longer work.") % {"count": count},
            messages.SUCCESS,
        )


User = get_user_model()
admin.site.unregister(User)


class UserSettingsInline(admin.StackedInline):
    """The user's time zone, on their page (they set their own in "My settings")."""

    model = UserSettings
    form = UserSettingsForm
    can_delete = False
    max_num = 1
    verbose_name_plural = _("settings")


@admin.register(User)
class CrmUserAdmin(UserAdmin):
    actions = ["unlock"]
    inlines = [UserSettingsInline]

    def has_unlock_permission(self, request):
        return request.user.is_superuser

    @admin.action(permissions=["unlock"], description=_("Unlock selected accounts"))
    def unlock(self, request, queryset):
        """Forget the accounts' failed logins (django-axes), which lifts a lockout."""
        usernames = list(queryset.values_list("username", flat=True))
        for username in usernames:
            reset_failed_logins(username=username)
        self.message_user(
            request,
            _(
                "Unlocked %(count)d account(s): their failed logins are "
                "forgotten and they may log in again."
            )
            % {"count": len(usernames)},
            messages.SUCCESS,
        )
