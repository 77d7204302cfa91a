from django.apps import AppConfig


class SearchConfig(AppConfig):
    """One search box over investors, people, companies, rounds and deal notes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "crm.search"
    verbose_name = "Search"
