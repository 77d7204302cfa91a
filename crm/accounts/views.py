"""The page a locked-out login gets, and each user's own settings."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from crm.accounts.addresses import failed_logins
from crm.accounts.models import UserSettings
from crm.accounts.time_zones import remember_time_zone, time_zone_choices


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the admin's look, status 429.

    Says whether the account is locked or the client's address is throttled
    (crm.accounts.backends).
    """
    context = {
        **admin.site.each_context(request),
        "title": _("Account locked"),
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    if failed_logins().exceeded(request):
        context["title"] = _("Too many failed logins")
        context["address_minutes"] = int(
            settings.LOGIN_ADDRESS_WINDOW.total_seconds() // 60
        )
    return render(request, "accounts/lockout.html", context, status=429)


class UserSettingsForm(forms.ModelForm):
    """The user's time zone, picked from the zones the server knows."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        required=False,
        help_text=_("Times are shown and entered in it."),
    )

    class Meta:
        model = UserSettings
        fields = ["time_zone"]


def my_settings(request):
    """/admin/my-settings/: a user chooses their own time zone; it applies at once."""
    instance = UserSettings.objects.filter(user=request.user).first()
    form = UserSettingsForm(
        request.POST or None, instance=instance or UserSettings(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        remember_time_zone(request, form.instance.time_zone or settings.TIME_ZONE)
        messages.success(request, _("Your settings are saved."))
        return redirect("admin:my_settings")
    context = {
        **admin.site.each_context(request),
        "title": _("My settings"),
        "form": form,
    }
    return TemplateResponse(request, "admin/accounts/my_settings.html", context)
