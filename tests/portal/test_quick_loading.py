"""portal.lib.loading.QuickLoaded: a model made from a row by the quick path is the model
Model.__init__ would have made, and anything the quick path cannot honour goes to Django's."""

import pytest
from django.apps import apps
from django.db import models
from django.db.models.signals import post_init

from compass.models import Placement
from families.models import Child, ChildParent, Contact, Family, ParentCarer, SchoolFamily
from portal.lib import loading
from portal.lib.loading import QuickLoaded
from portal.models import Membership, School
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _made_by_django(model, row: models.Model) -> models.Model:
    names = [f.attname for f in model._meta.concrete_fields]
    values = [getattr(row, name) for name in names]
    return models.Model.from_db.__func__(model, "default", names, values)


def _state(instance) -> dict:
    kept = {k: v for k, v in instance.__dict__.items() if k != "_state"}
    state = instance._state
    return {**kept, "adding": state.adding, "db": state.db, "cache": dict(state.fields_cache)}


def test_every_quick_loaded_model_takes_the_quick_path():
    quick = [m for m in apps.get_models() if issubclass(m, QuickLoaded)]
    for model in (Contact, Placement, Family, SchoolFamily, Child, ParentCarer, ChildParent):
        assert model in quick
    for model in (*quick, Membership, School):
        assert loading._attnames(model) is not None, model


def test_a_row_read_quickly_is_the_model_django_makes(cast):
    contact = ContactFactory(school=cast.school, staff=cast.pastoral, follow_up_owner=cast.teacher)
    for model, pk in ((Contact, contact.pk), (Family, contact.family_id), (School, cast.school.pk)):
        manager = getattr(model, "all_objects", model._default_manager)
        quick = manager.get(pk=pk)
        assert type(quick) is model
        assert _state(quick) == _state(_made_by_django(model, quick))
        # Its foreign keys and fields read, and it saves, as any other.
        quick.save()
    read = Contact.all_objects.select_related("staff").get(pk=contact.pk)
    assert read.staff == cast.pastoral and read.follow_up_owner_id == cast.teacher.pk
    assert read.get_channel_display() == contact.get_channel_display()
    assert read.history.count() >= 1


def test_a_deferred_column_or_a_listener_goes_to_djangos_path(cast):
    contact = ContactFactory(school=cast.school, staff=cast.pastoral)
    partial = Contact.all_objects.only("pk", "summary").get(pk=contact.pk)
    assert "summary" not in partial.get_deferred_fields()
    assert "agreed" in partial.get_deferred_fields()
    assert partial.agreed == contact.agreed

    seen = []

    def heard(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(heard, sender=Contact)
    try:
        Contact.all_objects.get(pk=contact.pk)
    finally:
        post_init.disconnect(heard, sender=Contact)
    assert seen == [contact.pk]
