"""The access log partitioned by month on PostgreSQL (audit/partitions.py; docs/partitions.md).

Django's model is unchanged: on SQLite, and in Django's own state, the table stays as it was."""

from django.db import migrations

from audit.partitions import partition_table, unpartition_table


def _table(apps):
    return apps.get_model("audit", "AccessLog")._meta.db_table


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        partition_table(schema_editor.connection, _table(apps), column="at", pk="id")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        unpartition_table(schema_editor.connection, _table(apps), pk="id")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_access_log_import")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
