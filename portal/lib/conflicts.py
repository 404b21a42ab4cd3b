"""Two people editing one record at once: the second save is stopped, not lost.

An edit form carries the version its editor started from (`edited_from`, a hidden field holding
the row's `updated_at`). At save time the view locks the row (`select_for_update`) and compares:

    try:
        with transaction.atomic():
            conflicts.check_unchanged(contact, form.cleaned_data.get(conflicts.FIELD))
            contact_edit(...)
    except conflicts.EditConflict as exc:
        conflict = conflicts.compare(form, ContactForm(instance=exc.current, ...))

`compare` lists the fields that differ, theirs as saved now beside yours as typed, and moves the
form on to the new version, so saving again (after reading both) keeps the user's version.

ModelForms that save with `form.save()` (strengths, parent preferences, complaints) mix in
`VersionedForm` and save through `save_unless_changed`, which does the above in one call.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db import transaction

FIELD = "edited_from"
# The box above the form (portal/includes/edit_conflict.html) explains; the form's own error,
# read first by a screen reader in the error summary, points to it in a few words.
MESSAGE = "Not saved: someone else changed this meanwhile. Both versions are shown above."


class EditConflict(Exception):
    def __init__(self, current):
        super().__init__("edited meanwhile")
        self.current = current


def version_of(obj) -> str:
    return obj.updated_at.isoformat() if getattr(obj, "updated_at", None) else ""


def version_field(instance) -> forms.CharField:
    """The hidden field an edit form adds as `edited_from`."""
    return forms.CharField(
        required=False, widget=forms.HiddenInput, initial=version_of(instance) or None
    )


def check_unchanged(obj, edited_from: str | None):
    """Lock `obj`'s row (call inside a transaction) and raise EditConflict if it has been
    saved since `edited_from`. No version given (an older form): nothing to compare."""
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if edited_from and version_of(current) != edited_from:
        raise EditConflict(current)
    return current


def _flat_choices(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat_choices(label)
        else:
            yield str(value), str(label)


def _shown(field: forms.Field, value) -> str:
    if value in (None, "") or value == []:
        return "—"
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if getattr(field, "choices", None) is not None:
        labels = dict(_flat_choices(field.choices))
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(sorted(labels.get(str(v), str(v)) for v in values)) or "—"
    return str(field.widget.format_value(value) or "—")


def compare(yours: forms.BaseForm, theirs: forms.BaseForm) -> dict:
    """The fields where the saved record (the unbound form `theirs`) and the user's submission
    (the bound, valid form `yours`) differ; `yours` now carries the current version."""
    rows = []
    for name, field in yours.fields.items():
        if name == FIELD or isinstance(field.widget, forms.HiddenInput):
            continue
        typed = yours.cleaned_data.get(name) if name in yours.cleaned_data else yours[name].data
        mine = _shown(field, field.prepare_value(typed))
        saved = _shown(field, theirs[name].value())
        if mine != saved:
            rows.append({"label": field.label or name, "theirs": saved, "yours": mine})
    yours.data = yours.data.copy()
    yours.data[yours.add_prefix(FIELD)] = version_of(theirs.instance)
    yours.add_error(None, MESSAGE)
    return {"rows": rows}


class VersionedForm:
    """Mixed into a ModelForm: editing a saved row, the form carries the version it started
    from as `edited_from`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[FIELD] = version_field(self.instance)


def save_unless_changed(form, save: Callable[[], object], *, theirs: Callable) -> dict | None:
    """Run `save()` (in a transaction, the row locked) if nobody saved the row since the form's
    version; otherwise save nothing and return the comparison for the page. `theirs(current)`
    builds the unbound form of the row as saved now."""
    try:
        with transaction.atomic():
            check_unchanged(form.instance, form.cleaned_data.get(FIELD))
            save()
    except EditConflict as exc:
        return compare(form, theirs(exc.current))
    return None
