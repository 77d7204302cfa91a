from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "crm.notes"
    label = "notes"
    verbose_name = "Contact log and deal notes"
