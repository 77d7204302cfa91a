from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "crm.accounts"
    label = "accounts"
    verbose_name = _("API access")

    def ready(self):
        # Registers the OpenAPI description of the bearer tokens.
        from crm.accounts import schema  # noqa: F401
        from crm.accounts.backends import record_failed_login
        from crm.accounts.time_zones import remember_time_zone_at_login

        # Axes counts failures per account from the same signal.
        user_login_failed.connect(record_failed_login, dispatch_uid="failed-logins")
        # The user's time zone is read once, at login, into the session.
        user_logged_in.connect(
            remember_time_zone_at_login, dispatch_uid="time-zone-at-login"
        )
