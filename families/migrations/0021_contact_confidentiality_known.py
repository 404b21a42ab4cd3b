"""A check constraint keeping a contact's confidentiality to its three levels, and the partial
index of confidential contacts on (school, level), contact_confidential_level, in place of the
one on (school), contact_confidential.

On PostgreSQL none of it holds the contacts table locked while it is built (millions of rows
for an authority): the new index is built CONCURRENTLY before the old one is dropped the same
way, and the constraint is added NOT VALID and then validated, which reads the table without
blocking its reads and writes. Such statements cannot run in a transaction, so this migration
is not atomic. Elsewhere (SQLite) these are Django's own operations."""

from django.db import migrations, models

CONFIDENTIAL = ~models.Q(confidentiality="school")


def _on_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexWithoutLocking(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _on_postgresql(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not _on_postgresql(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.remove_index(model, self.index, concurrently=True)


class RemoveIndexWithoutLocking(migrations.RemoveIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _on_postgresql(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        schema_editor.remove_index(model, index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not _on_postgresql(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        schema_editor.add_index(model, index, concurrently=True)


class AddConstraintThenValidate(migrations.AddConstraint):
    """NOT VALID first (a moment's lock), then VALIDATE, which lets reads and writes go on."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _on_postgresql(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        name = schema_editor.quote_name(self.constraint.name)
        schema_editor.execute(f"{self.constraint.create_sql(model, schema_editor)} NOT VALID")
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("families", "0020_contact_chronology_to_the_last_column"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="contact",
            index=models.Index(
                fields=["school", "confidentiality"],
                condition=CONFIDENTIAL,
                name="contact_confidential_level",
            ),
        ),
        RemoveIndexWithoutLocking(model_name="contact", name="contact_confidential"),
        AddConstraintThenValidate(
            model_name="contact",
            constraint=models.CheckConstraint(
                condition=models.Q(confidentiality__in=["school", "pastoral", "named"]),
                name="contact_confidentiality_known",
            ),
        ),
    ]
