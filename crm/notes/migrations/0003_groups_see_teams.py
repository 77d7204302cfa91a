"""Both groups may see teams (who is behind which ethical wall); superusers manage them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Deal team", "Analyst"]


def grant_view_team(apps, schema_editor):
    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    team_permissions = Permission.objects.filter(content_type__app_label="core", content_type__model="team")
    view_team = team_permissions.get(codename="view_team")
    for group in Group.objects.filter(name__in=GROUPS):
        # 0002 may have run after core.Team existed and granted it all.
        group.permissions.remove(*team_permissions)
        group.permissions.add(view_team)


def revoke_view_team(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_team = Permission.objects.filter(content_type__app_label="core", codename="view_team")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*view_team)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_teams"),
        ("notes", "0002_deal_team_and_analyst_groups"),
    ]

    operations = [migrations.RunPython(grant_view_team, revoke_view_team)]
