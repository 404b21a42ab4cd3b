"""Records' choice labels (portal.lib.records.KeptChoiceLabels): what Django's own
get_FOO_display() gives, from a table kept per field."""

import pytest
from django.db import models
from django.utils.choices import CallableChoiceIterator

from compass.models import Placement
from families.models import Contact
from meetings.models import Meeting
from portal.lib import records


@pytest.mark.parametrize("model", [Contact, Meeting, Placement])
def test_every_choice_field_labels_every_value_as_django_would(model):
    fields = [f for f in model._meta.concrete_fields if f.choices]
    assert fields, model
    record = model()
    for field in fields:
        for value in [v for v, _ in field.flatchoices] + ["not-a-choice", None]:
            setattr(record, field.attname, value)
            mine = getattr(record, f"get_{field.name}_display")()
            django = models.Model._get_FIELD_display(record, field)
            assert mine == django, (model.__name__, field.name, value)
    # A value that is not a choice comes back as it is.
    assert Contact(tone="unheard-of").get_tone_display() == "unheard-of"


def test_a_field_whose_choices_are_worked_out_when_asked_is_left_to_django(monkeypatch):
    field = Contact._meta.get_field("tone")
    monkeypatch.setattr(field, "choices", CallableChoiceIterator(lambda: [("positive", "Sunny")]))
    monkeypatch.setattr(records, "_CHOICE_LABELS", {})
    assert Contact(tone="positive").get_tone_display() == "Sunny"
    assert records._CHOICE_LABELS == {}
