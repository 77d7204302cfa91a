"""The admin site: Django's, with the logged-in user's dashboard on its index."""

from django.contrib import admin
from django.urls import path

from crm.accounts.views import my_settings
from crm.dashboard.figures import dashboard_for


class CRMAdminSite(admin.AdminSite):
    def get_urls(self):
        return [
            path("my-settings/", self.admin_view(my_settings), name="my_settings"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        # The app list stays below the dashboard (crm/templates/admin/index.html).
        return super().index(
            request,
            {"dashboard": dashboard_for(request.user), **(extra_context or {})},
        )
