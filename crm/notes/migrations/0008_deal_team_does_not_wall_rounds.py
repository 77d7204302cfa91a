"""The Deal team group does not hold "Can manage confidentiality"; the Deal lead group does.

0002_deal_team_and_analyst_groups gives the Deal team every CRM permission
that exists when it runs. Which permissions exist then depends on the order
Django plans the apps' migrations in, which moves when other apps add
migrations: planned after portfolio's 0007, it would let every deal-team
member wall rounds. On a database where it ran first this changes nothing.
"""

from django.db import migrations

CODENAME = "manage_confidentiality"


def take_walling_from_the_deal_team(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manage = Permission.objects.filter(
        content_type__app_label="portfolio", codename=CODENAME
    )
    for group in Group.objects.filter(name="Deal team"):
        group.permissions.remove(*manage)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0007_external_id"),
        ("portfolio", "0008_deal_lead_group"),
    ]

    operations = [
        migrations.RunPython(take_walling_from_the_deal_team, migrations.RunPython.noop)
    ]
