"""The two working groups: Deal team (works the CRM) and Analyst (reads it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRM_APPS = ("core", "investors", "portfolio", "notes")
# The deal team may delete its own working records, not reference or deal data.
DEAL_TEAM_DELETES = {
    ("notes", "interaction"),
    ("notes", "dealnote"),
    ("notes", "interactioncontact"),
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they
    # exist now so a fresh database gets complete groups in one `migrate`.
    for label in CRM_APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    crm_permissions = Permission.objects.filter(content_type__app_label__in=CRM_APPS)

    deal_team, _ = Group.objects.get_or_create(name="Deal team")
    deal_team.permissions.set(
        [
            permission
            for permission in crm_permissions.select_related("content_type")
            if not permission.codename.startswith("delete_")
            or (permission.content_type.app_label, permission.content_type.model)
            in DEAL_TEAM_DELETES
        ]
    )
    analyst, _ = Group.objects.get_or_create(name="Analyst")
    analyst.permissions.set(crm_permissions.filter(codename__startswith="view_"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Deal team", "Analyst"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("investors", "0001_initial"),
        ("portfolio", "0001_initial"),
        ("notes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
