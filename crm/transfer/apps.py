from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Lists in and out: exports, imports with preview and undo, duplicates and merges.

    Depends on every CRM app (it reads their serializers and writes through
    their services); the admins and the API base viewset reach it through
    small mixins.
    """

    name = "crm.transfer"
    label = "transfer"
    verbose_name = _("Imports and duplicates")
