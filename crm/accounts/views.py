"""The page a locked-out login gets."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render

from crm.accounts.addresses import failed_logins


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the admin's look, status 429.

    Says whether the account is locked or the client's address is throttled
    (crm.accounts.backends).
    """
    context = {
        **admin.site.each_context(request),
        "title": "Account locked",
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    if failed_logins().exceeded(request):
        context["title"] = "Too many failed logins"
        context["address_minutes"] = int(
            settings.LOGIN_ADDRESS_WINDOW.total_seconds() // 60
        )
    return render(request, "accounts/lockout.html", context, status=429)
