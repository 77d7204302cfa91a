"""The admin site: Django's, with the logged-in user's dashboard on its index."""

from django.contrib import admin

from crm.dashboard.figures import dashboard_for


class CRMAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        # The app list stays below the dashboard (crm/templates/admin/index.html).
        return super().index(
            request,
            {"dashboard": dashboard_for(request.user), **(extra_context or {})},
        )
