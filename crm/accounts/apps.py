from django.apps import AppConfig
from django.contrib.auth.signals import user_login_failed


class AccountsConfig(AppConfig):
    name = "crm.accounts"
    label = "accounts"
    verbose_name = "API access"

    def ready(self):
        # Registers the OpenAPI description of the bearer tokens.
        from crm.accounts import schema  # noqa: F401
        from crm.accounts.backends import record_failed_login

        # Axes counts failures per account from the same signal.
        user_login_failed.connect(record_failed_login, dispatch_uid="failed-logins")
