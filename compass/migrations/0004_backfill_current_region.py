"""Fill SchoolFamily.current_region and last_placed_at from each family's latest placement."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Placement = apps.get_model("compass", "Placement")
    SchoolFamily = apps.get_model("families", "SchoolFamily")
    latest = Placement.objects.filter(school_family=OuterRef("pk")).order_by("-placed_at", "-pk")
    SchoolFamily.objects.update(
        current_region=Coalesce(Subquery(latest.values("region_key")[:1]), Value("")),
        last_placed_at=Subquery(latest.values("placed_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("compass", "0003_selfevaluation_regiontarget"),
        ("families", "0004_scale_current_region"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
