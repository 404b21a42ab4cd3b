# Complaints moved from meetings/ to their own app (complaints/migrations/0001_initial), so their
# model label changed. The erasure log names each erased record by its label: rows written
# before the move are relabelled, so a past run still reads "Complaints" and not a label that
# no longer names a model. Only the label changes; ids, dates and counts stay as they were.

from django.db import migrations

RENAMED = {
    "meetings.Complaint": "complaints.Complaint",
    "meetings.HistoricalComplaint": "complaints.HistoricalComplaint",
}


def relabel(apps, schema_editor, renamed=RENAMED):
    ErasureLog = apps.get_model("privacy", "ErasureLog")
    for old, new in renamed.items():
        ErasureLog.objects.filter(kind=old).update(kind=new)


def relabel_back(apps, schema_editor):
    relabel(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0003_erasure_run_started_by_user'),
        ('complaints', '0001_initial'),
    ]

    operations = [migrations.RunPython(relabel, relabel_back)]
