"""Creates the "Data protection leads" group, holding the permission to see family audits."""

from django.db import migrations

GROUP = "Data protection leads"


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="audit", model="accesslog")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_family_audit",
        defaults={"name": "Can see who viewed and changed a family's records"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
