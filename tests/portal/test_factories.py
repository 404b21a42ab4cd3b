"""Every model of the portal has a factory that makes a valid row."""

import pytest
from django.apps import apps

from tests import factories

OUR_APPS = {"portal", "families", "compass", "dashboards", "meetings", "audit", "scale", "guidance"}


def _factories_by_model():
    found = {}
    for obj in vars(factories).values():
        meta = getattr(obj, "_meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            continue
        model = apps.get_model(model) if isinstance(model, str) else model
        found[model] = obj
    return found


def _our_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in OUR_APPS and not m.__name__.startswith("Historical")
    ]


def test_every_model_has_a_factory():
    missing = sorted(m._meta.label for m in _our_models() if m not in _factories_by_model())
    assert missing == []


@pytest.mark.parametrize("model", _our_models(), ids=lambda m: m._meta.label)
def test_each_factory_makes_a_saved_row(db, compass_defaults, model):
    row = _factories_by_model()[model]()
    assert model.objects.filter(pk=row.pk).exists()
