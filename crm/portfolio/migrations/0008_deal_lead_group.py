"""The "Deal lead" group: may wall rounds off (make them confidential, change their teams)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Deal lead"


def create_deal_lead(apps, schema_editor):
    app_config = apps.get_app_config("portfolio")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manage = Permission.objects.get(
        content_type__app_label="portfolio", codename="manage_confidentiality"
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(manage)


def remove_deal_lead(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("portfolio", "0007_manage_confidentiality_permission"),
    ]

    operations = [migrations.RunPython(create_deal_lead, remove_deal_lead)]
