"""Where in the school day a contact arose: a subject or department, and a lesson or time of day.

Secondary schools see patterns by subject and by period (the guidance's third case: incidents
that mostly happen in one subject). The times of day are fixed choices, the same at every school,
so that a cluster reads the same on every dashboard and needs no setting up; the subjects are the
school's own list (School.subjects), or the usual secondary list until the school writes one.
"""

from __future__ import annotations

from django.db import models


class SchoolDayTime(models.TextChoices):
    """The parts of a secondary school day, in the order they come (tables list them so)."""

    BEFORE_SCHOOL = "before_school", "Before school"
    REGISTRATION = "registration", "Registration"
    PERIOD_1 = "period_1", "Period 1"
    PERIOD_2 = "period_2", "Period 2"
    BREAK = "break", "Break"
    PERIOD_3 = "period_3", "Period 3"
    PERIOD_4 = "period_4", "Period 4"
    LUNCH = "lunch", "Lunch"
    PERIOD_5 = "period_5", "Period 5"
    PERIOD_6 = "period_6", "Period 6"
    AFTER_SCHOOL = "after_school", "After school"


DEFAULT_SUBJECTS = (
    "Art and design",
    "Biology",
    "Business",
    "Chemistry",
    "Computing",
    "Drama",
    "English",
    "Geography",
    "History",
    "Home economics",
    "Languages",
    "Mathematics",
    "Modern studies",
    "Music",
    "Physical education",
    "Physics",
    "Religious and moral education",
    "Science",
    "Technology",
    "Pastoral and guidance",
    "Support for learning",
)

# Stages whose pupils move between subject teachers: they get the usual list by default.
SUBJECT_STAGES = frozenset({"secondary", "special"})
SUBJECT_MAX_LENGTH = 80


def subjects_for(school) -> list[str]:
    """The subjects and departments staff choose from at `school`: its own list, one per line;
    without one, the usual secondary list for a secondary or special school, none elsewhere."""
    own = parse_subjects(school.subjects)
    if own:
        return own
    return list(DEFAULT_SUBJECTS) if school.stage in SUBJECT_STAGES else []


def parse_subjects(text: str) -> list[str]:
    """The subject names in a one-per-line list, trimmed, each once, in the order written."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        name = " ".join(line.split())
        if name and name.casefold() not in {s.casefold() for s in seen}:
            seen.append(name)
    return seen


def offer_choices(form, school) -> None:
    """Give a contact form's `subject` the school's list (keeping a contact's earlier subject
    that has since left it); a school with no subjects is not asked for one."""
    from django import forms

    form.fields["lesson"].choices = [("", "Not one time of day"), *SchoolDayTime.choices]
    subjects = subjects_for(school)
    current = (form.instance.subject or "") if form.instance.pk else ""
    if current and current not in subjects:
        subjects.append(current)
    if not subjects:
        del form.fields["subject"]
        return
    field = form.fields["subject"]
    form.fields["subject"] = forms.TypedChoiceField(
        label=field.label,
        required=False,
        choices=[("", "Not one subject")] + [(name, name) for name in subjects],
        empty_value="",
        help_text=field.help_text,
    )


def layout(form) -> list:
    """The contact form's optional section about where in the school day it arose."""
    from crispy_forms.layout import Fieldset

    fields = [name for name in ("subject", "lesson") if name in form.fields]
    return [Fieldset("In school (optional)", *fields)]
