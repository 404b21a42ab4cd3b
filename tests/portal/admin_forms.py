"""Filling in a Django admin change form as a browser would: what the page shows, ready to POST
back with a few fields changed (including fields the page does not offer, as an attacker
would)."""

from __future__ import annotations

import datetime

from django.forms import MultiWidget


def _put(data: dict, name: str, field, value) -> None:
    widget = field.widget
    if isinstance(widget, MultiWidget):
        parts = widget.decompress(value) if not isinstance(value, list) else value
        for i, part in enumerate(parts):
            data[f"{name}_{i}"] = "" if part is None else str(part)
        return
    if isinstance(value, bool):
        if value:
            data[name] = "on"
        return
    if value is None:
        data[name] = ""
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    elif isinstance(value, datetime.datetime):
        data[name] = value.isoformat(sep=" ")
    else:
        data[name] = str(value)


def _form_data(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        _put(data, form.add_prefix(name), field, form[name].value())
    return data


def admin_form_data(response) -> dict:
    """The admin add or change page's form and inline rows as they would be posted back."""
    assert response.status_code == 200, response.status_code
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    return data
