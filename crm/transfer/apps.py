from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Lists in and out: exports, imports with preview and undo, duplicates and merges.

    Depends on every CRM app (it reads their serializers and writes through
    their services); the admins and the API base viewset reach it through
    small mixins.
    """

    name = "crm.transfer"
    label = "transfer"
    verbose_name = "Imports and duplicates"
