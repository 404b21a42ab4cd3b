"""Placements gain a confidentiality level like a contact's, and a family's current region
comes from whole-family placements only.

Existing placements become "pastoral" (pastoral team and senior leaders, plus their author):
they were written before anyone could choose a level, some hold what a parent shared in
confidence, and a placement is never edited, so a looser default could never be tightened.
The region and steps still show to everyone who works with the family; only the words are
kept back. New placements default to "school", as contacts do.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

EARLIER_REASON = (
    "Written before placements had a level of their own; kept to the pastoral team and "
    "senior leaders."
)


def existing_placements_to_pastoral(apps, schema_editor):
    Placement = apps.get_model("compass", "Placement")
    Placement.objects.update(confidentiality="pastoral", confidentiality_reason=EARLIER_REASON)


def current_region_from_whole_family(apps, schema_editor):
    Placement = apps.get_model("compass", "Placement")
    SchoolFamily = apps.get_model("families", "SchoolFamily")
    about_someone = Placement.parents.through.objects.filter(placement=OuterRef("pk"))
    latest = (
        Placement.objects.filter(school_family=OuterRef("pk"), withdrawn_at__isnull=True)
        .filter(~Exists(about_someone))
        .order_by("-placed_at", "-pk")
    )
    SchoolFamily.objects.update(
        current_region=Coalesce(Subquery(latest.values("region_key")[:1]), Value("")),
        last_placed_at=Subquery(latest.values("placed_at")[:1]),
        # The level, which sets the contact rhythm, follows the same placements.
        current_level=Coalesce(Subquery(latest.values("level")[:1]), Value("general")),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('compass', '0007_backfill_current_level'),
        ('families', '0008_parent_updated_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalplacement',
            name='confidentiality',
            field=models.CharField(choices=[('school', 'All staff at the school who work with the family'), ('pastoral', 'Pastoral team and senior leaders'), ('named', 'Named staff only')], default='school', help_text="The region and the steps show to everyone who works with the family; the evidence, next steps and the parent's words only to the people chosen here.", max_length=10, verbose_name='who may read what is written'),
        ),
        migrations.AddField(
            model_name='historicalplacement',
            name='confidentiality_reason',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='placement',
            name='confidentiality',
            field=models.CharField(choices=[('school', 'All staff at the school who work with the family'), ('pastoral', 'Pastoral team and senior leaders'), ('named', 'Named staff only')], default='school', help_text="The region and the steps show to everyone who works with the family; the evidence, next steps and the parent's words only to the people chosen here.", max_length=10, verbose_name='who may read what is written'),
        ),
        migrations.AddField(
            model_name='placement',
            name='confidentiality_reason',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='placement',
            name='named_staff',
            field=models.ManyToManyField(blank=True, related_name='named_on_placements', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(existing_placements_to_pastoral, migrations.RunPython.noop),
        migrations.RunPython(current_region_from_whole_family, migrations.RunPython.noop),
    ]
