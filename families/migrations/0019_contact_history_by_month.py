"""The edit history of contacts and of their amendments partitioned by month of history_date
on PostgreSQL (audit/partitions.py; docs/partitions.md).

Django's model is unchanged: on SQLite, and in Django's own state, the tables stay as they were."""

from django.db import migrations

from audit.partitions import partition_table, unpartition_table

HISTORIES = ["HistoricalContact", "HistoricalContactAmendment"]


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in HISTORIES:
            table = apps.get_model("families", name)._meta.db_table
            partition_table(schema_editor.connection, table, column="history_date", pk="history_id")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in HISTORIES:
            table = apps.get_model("families", name)._meta.db_table
            unpartition_table(schema_editor.connection, table, pk="history_id")


class Migration(migrations.Migration):
    dependencies = [("families", "0018_child_date_of_birth_optional")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
