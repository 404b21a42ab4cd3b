"""The browser's own date and time pickers.

Their value must be in ISO form (2027-01-02, 13:30, 2027-01-02T13:30) whatever the site's
language: with Django's British default (02/01/2027) a saved date would show as an empty field,
and saving the form again would clear it.
"""

from __future__ import annotations

from django import forms


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
