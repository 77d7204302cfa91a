from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """What other systems read: the changes feed (an outbox) and webhooks.

    Depends on every CRM app; none depends on it.
    """

    name = "crm.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from crm.integrations import outbox

        outbox.connect()
