from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The admin's home page as a dashboard; depends on every CRM app, nothing on it."""

    name = "crm.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")


class CRMAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the CRM's site (crm.dashboard.sites), whose index is the dashboard."""

    # Named in INSTALLED_APPS by its path; "crm.dashboard" means DashboardConfig.
    default = False
    default_site = "crm.dashboard.sites.CRMAdminSite"
