from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """What other systems read: the changes feed (an outbox) and webhooks.

    Depends on every CRM app; none depends on it.
    """

    name = "crm.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        from crm.integrations import outbox

        outbox.connect()
