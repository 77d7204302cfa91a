from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "crm.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"
