from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """One search box over investors, people, companies, rounds and deal notes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "crm.search"
    verbose_name = _("Search")
