"""The reminders moved out of scale/ without touching the database: the table keeps its name and
its rows, and the migrations agree with the models (so nothing is created or dropped)."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reminders.models import ReminderSent
from tests import factories


def test_the_table_keeps_its_name():
    assert ReminderSent._meta.db_table == "scale_remindersent"
    assert ReminderSent._meta.app_label == "reminders"


@pytest.mark.django_db
def test_only_the_reminders_app_owns_the_model_and_rows_are_read_from_the_old_table():
    state = MigrationExecutor(connection).loader.project_state()
    assert ("reminders", "remindersent") in state.models
    assert ("scale", "remindersent") not in state.models
    sent = factories.ReminderSentFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM scale_remindersent WHERE id = %s", [sent.pk])
        assert cursor.fetchone()[0] == 1
    assert apps.get_model("reminders", "ReminderSent").objects.filter(pk=sent.pk).exists()
