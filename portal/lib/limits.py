"""Numbers from outside kept within what the database holds, so that no input is a 500.

An id in a URL, a query string or a form choice larger than a 64-bit integer overflows the
query on PostgreSQL and on SQLite alike ("integer out of range", "Python int too large to convert
to SQLite INTEGER"). So:

- URLs take ids with the `id` path converter (registered in portal's AppConfig): a number past
  the range does not match, which is a 404 like any other unknown id.
- Query-string ids go through `parse_id`, which answers None for anything out of range.
- Choice fields of records subclass `IdChoiceField` / `IdMultipleChoiceField`: an out-of-range
  id is "not one of the choices", said next to the field.
- ModelForms subclass `BoundedModelForm`: every number field gets the model field's limits
  (its validators and the column's range) as the form field's min and max, so an out-of-range
  number is a message next to the field and never reaches the record being edited.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core import validators
from django.db import models
from django.forms.models import ModelFormMetaclass

BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1


def in_range(value: int) -> bool:
    return BIGINT_MIN <= value <= BIGINT_MAX


def parse_id(raw) -> int | None:
    """A record id from the query string or a form: a non-negative whole number of at most
    64 bits, or None (a typo, a hostile value, a number no record can have)."""
    text = str(raw if raw is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if value <= BIGINT_MAX else None


class IdConverter:
    """Like Django's `int`, but only ids a database can hold: a longer number is a 404."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError("out of range")  # the URL does not match: a 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def _integer_key(queryset, to_field_name) -> bool:
    field = queryset.model._meta.get_field(to_field_name) if to_field_name else None
    field = field or queryset.model._meta.pk
    return isinstance(field, models.IntegerField | models.AutoField)


def _out_of_range(value) -> bool:
    try:
        return not in_range(int(str(value).strip()))
    except (TypeError, ValueError):
        return False  # not a number at all: Django's own check says so


def _kept_lookup(field) -> Callable[[list[int]], list] | None:
    """The field's `kept_rows` lookup, while its queryset is still the one it was given with and
    the field's key is the model's id."""
    kept = field.kept_rows
    if kept is not None and kept[0] is field.queryset and field.to_field_name in KEYS:
        return kept[1]
    return None


def _invalid_choice(field, value) -> forms.ValidationError:
    return forms.ValidationError(
        field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
    )


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose out-of-range ids are an invalid choice, not a database error.

    `kept_rows = (queryset, rows)`: while the field's queryset is still that one, the chosen
    id is looked up with `rows([id])` (a kept read of the same rows, portal.compiled) instead
    of Django building a query for each form sent."""

    kept_rows: tuple | None = None

    def to_python(self, value):
        if value in self.empty_values:
            return None  # as Django's own first step
        rows = _kept_lookup(self)
        if rows is not None and is_plain_id(value):
            found = rows([int(str(value).strip())])
            if not found:
                raise _invalid_choice(self, value)
            return found[0]
        if _integer_key(self.queryset, self.to_field_name) and _out_of_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose out-of-range ids are an invalid choice.

    `kept_rows = (queryset, rows)`: while the field's queryset is still that one, the chosen
    ids are looked up with `rows(ids)` (a kept read of the same rows, portal.compiled) instead
    of Django building a query for each form sent; the result is then a list, not a queryset.
    """

    kept_rows: tuple | None = None

    def _check_values(self, value):
        if isinstance(value, list | tuple) and _integer_key(self.queryset, self.to_field_name):
            for item in value:
                if _out_of_range(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(item)[:30]},
                    )
            ids = _plain_ids(value)
            lookup = _kept_lookup(self)
            if ids and lookup is not None:
                rows = lookup(sorted(set(ids)))
                found = {row.pk for row in rows}
                for item, pk in zip(value, ids, strict=True):
                    if pk not in found:
                        raise _invalid_choice(self, item)
                return rows
        return super()._check_values(value)


KEYS = (None, "pk", "id")  # a picker's key: its model's id (a foreign key's names "id")
MOST_KEPT_IDS = 100  # more ids than this are checked as Django does (portal.compiled.MAX_IDS)


def _plain_ids(values) -> list[int]:
    """The values as ids, if every one is a plain positive whole number; else []."""
    ids = []
    for item in values:
        if not is_plain_id(item):
            return []
        ids.append(int(str(item).strip()))
    return ids if len(set(ids)) <= MOST_KEPT_IDS else []


def is_plain_id(value) -> bool:
    """A positive whole number in plain digits that a bigint column can hold (at most 19 of
    them: longer text is never turned into a number here)."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    return 0 < len(text) <= 19 and text.isascii() and text.isdigit() and 0 < int(text) <= BIGINT_MAX


def _limits(db_field) -> tuple[int | None, int | None]:
    low, high = None, None
    for validator in db_field.validators:  # the field's own, then the column's range
        if isinstance(validator, validators.MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, validators.MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def bounded_formfield(db_field, **kwargs):
    """The ModelForm field for `db_field`, with the number limits and safe id choices."""
    if isinstance(db_field, models.ForeignKey) and "form_class" not in kwargs:
        kwargs["form_class"] = IdChoiceField
    elif isinstance(db_field, models.ManyToManyField) and "form_class" not in kwargs:
        kwargs["form_class"] = IdMultipleChoiceField
    field = db_field.formfield(**kwargs)
    if isinstance(field, forms.IntegerField) and isinstance(db_field, models.IntegerField):
        low, high = _limits(db_field)
        if field.min_value is None and low is not None:
            field.min_value = low
            field.validators.append(validators.MinValueValidator(low))
            field.widget.attrs.setdefault("min", low)
        if field.max_value is None and high is not None:
            field.max_value = high
            field.validators.append(validators.MaxValueValidator(high))
            field.widget.attrs.setdefault("max", high)
    return field


class _BoundedModelFormMetaclass(ModelFormMetaclass):
    # Django reads formfield_callback from the form's own Meta only: give each Meta ours.
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = bounded_formfield
        return super().__new__(mcs, name, bases, attrs)


class BoundedModelForm(forms.ModelForm, metaclass=_BoundedModelFormMetaclass):
    """The portal's ModelForm: numbers within the model's limits, ids within the database's."""
