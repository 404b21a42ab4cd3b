"""Rows read into models at a fraction of Model.__init__'s cost.

`QuickLoaded.from_db` (Django's documented hook for how a model is made from a row) puts a
row's values straight into the new instance's attributes, as `Model.__init__` ends up doing
through `setattr` one field at a time, checking keyword arguments and defaults it is never
given on this path. A chronology of twenty contacts of 28 columns each spent about half a
millisecond there. The quick path is taken only where it gives exactly what `__init__` gives:

- every column of the model was read (a deferred one goes to Django's own path);
- nothing listens for `pre_init` or `post_init` of the model;
- each column is stored as `__init__` would store it: a plain attribute, or a foreign key's
  id (whose descriptor only forgets a cached related object, and a new instance has none).
"""

from __future__ import annotations

from django.db import models
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# Per model: the columns' attribute names in the order of a row, or None where the quick path
# would not give what __init__ gives.
_ATTNAMES: dict[type, tuple[str, ...] | None] = {}


def _attnames(model: type[models.Model]) -> tuple[str, ...] | None:
    try:
        return _ATTNAMES[model]
    except KeyError:
        pass
    names: tuple[str, ...] | None = tuple(f.attname for f in model._meta.concrete_fields)
    for name in names or ():
        descriptor = next(
            (klass.__dict__[name] for klass in model.__mro__ if name in klass.__dict__), None
        )
        # What setattr does through these: put the value in the instance's dict (a foreign
        # key's id also forgets a cached related object, and a new instance has none). A field
        # with a descriptor of its own (a file, say) keeps __init__.
        if type(descriptor) not in _PLAIN:
            names = None
            break
    _ATTNAMES[model] = names
    return names


_PLAIN = (DeferredAttribute, ForeignKeyDeferredAttribute)


class QuickLoaded(models.Model):
    """A model made from a database row without Model.__init__'s general path (see above)."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        names = _attnames(cls)
        if (
            names is None
            or len(values) != len(names)
            or pre_init.has_listeners(cls)
            or post_init.has_listeners(cls)
        ):
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        new = cls.__new__(cls)
        state = new._state = models.base.ModelState()
        new.__dict__.update(zip(names, values, strict=True))
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        return new
