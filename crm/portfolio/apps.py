from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "crm.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"

    def ready(self):
        from crm.portfolio import figures

        figures.register()
