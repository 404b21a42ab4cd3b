"""Lets the "Administrators" group view and change schools' retention policies in admin (they
manage schools; retention periods are a school setting, not a family record)."""

from django.db import migrations

GROUP = "Administrators"
ACTIONS = ["view", "add", "change"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="privacy", model="retentionpolicy"
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    for action in ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_retentionpolicy",
            defaults={"name": f"Can {action} retention policy"},
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
