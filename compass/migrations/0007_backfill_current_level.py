"""Fill SchoolFamily.current_level from each family's latest placement still standing."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Placement = apps.get_model("compass", "Placement")
    SchoolFamily = apps.get_model("families", "SchoolFamily")
    latest = Placement.objects.filter(
        school_family=OuterRef("pk"), withdrawn_at__isnull=True
    ).order_by("-placed_at", "-pk")
    SchoolFamily.objects.update(
        current_level=Coalesce(Subquery(latest.values("level")[:1]), Value("general"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("compass", "0006_number_limits"),
        ("families", "0009_contact_rhythm"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
