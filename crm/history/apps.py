from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    """The audit history's tables: one per CRM model (see crm.core.history).

    Its own app, so the CRM apps list only their records and the history of
    every app is found in one place. Depends on every CRM app; nothing depends
    on it except through crm.core.history, which defines its models.
    """

    name = "crm.history"
    label = "history"
    verbose_name = _("History")
