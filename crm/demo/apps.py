from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`seed_demo`); depends on every other CRM app, nothing depends on it."""

    name = "crm.demo"
    label = "demo"
    verbose_name = "Demo data"
