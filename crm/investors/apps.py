from django.apps import AppConfig


class InvestorsConfig(AppConfig):
    name = "crm.investors"
    label = "investors"
    verbose_name = "Investors"
