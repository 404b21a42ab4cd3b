"""Edit history's manager (portal.lib.records.KeptHistoricalRecords): its class is made once
per model, where simple-history makes a new one on every use, and it still reads each record's
own history."""

import pytest

from families.models import Contact, Family
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def test_the_history_manager_class_is_made_once_per_model():
    assert type(Contact.history) is type(Contact.history)
    assert type(Family.history) is type(Family.history)
    assert type(Family.history) is not type(Contact.history)
    assert Contact.history.model.__name__ == "HistoricalContact"


def test_each_record_reads_its_own_history(cast):
    first = make_family(cast, name="Adair").family
    second = make_family(cast, name="Bell").family
    first.name = "Adair-Ross"
    first.save()
    assert [h.name for h in first.history.all()] == ["Adair-Ross", "Adair"]
    assert [h.name for h in second.history.all()] == ["Bell"]
    assert Family.history.filter(id=first.pk).count() == 2
