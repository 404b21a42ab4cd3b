"""Every kind of record kept about a family, with an edit history, is in the family records
registry (portal.family_records), so the audit page, retention and erasure and the subject
access copy cannot miss one: a new app that keeps such records and forgets to register them
fails here rather than quietly leaving them out."""

from django.apps import apps

from portal import family_records


def _kept_about_a_family():
    for model in apps.get_models():
        history = getattr(model, "history", None)
        if history is None or getattr(history, "model", model) is model:
            continue  # no edit history of its own (or it is one)
        if any(
            f.concrete
            and getattr(f, "related_model", None) is not None
            and f.related_model._meta.label == "families.Family"
            for f in model._meta.get_fields()
        ):
            yield model._meta.label


def test_every_record_kept_about_a_family_is_registered():
    registered = {record.label for record in family_records.records()}
    found = set(_kept_about_a_family())
    assert found and found <= registered, sorted(found - registered)


def test_each_registered_kind_names_a_model_with_history_and_its_family_lookup():
    for record in family_records.records():
        model = record.model
        assert model.history.model.objects.filter(**{record.family_lookup: 0}).query
