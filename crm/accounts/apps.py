from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crm.accounts"
    label = "accounts"
    verbose_name = "API access"

    def ready(self):
        # Registers the OpenAPI description of the bearer tokens.
        from crm.accounts import schema  # noqa: F401
