"""The dashboard's filters and options, and the self-evaluation form."""

from __future__ import annotations

import datetime

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from dashboards.figures import PERIOD_CHOICES
from dashboards.selfevaluation import QUESTIONS
from families.models import Child, Level, ParentCarer, SchoolFamily
from portal.compiled import Compiled
from portal.lib.staff import family_worker_names
from portal.models import ClassGroup, School

YES_NO = [("yes", "Yes"), ("no", "No")]


class DashboardFilter(django_filters.FilterSet):
    """Narrows the school's families; every figure on the dashboard uses the narrowed set."""

    year_group = django_filters.ChoiceFilter(
        label="Year group or stage", method="filter_year_group", empty_label="All"
    )
    class_group = django_filters.ChoiceFilter(
        label="Class", method="filter_class_group", empty_label="All"
    )
    level = django_filters.ChoiceFilter(
        label="Communication level",
        choices=Level.choices,
        method="filter_level",
        empty_label="All",
    )
    key_contact = django_filters.ChoiceFilter(
        label="Key contact", method="filter_key_contact", empty_label="Anyone"
    )
    looked_after = django_filters.ChoiceFilter(
        label="Looked-after child",
        choices=YES_NO,
        method="filter_looked_after",
        empty_label="Any",
    )
    interpreter = django_filters.ChoiceFilter(
        label="Interpreter needed",
        choices=YES_NO,
        method="filter_interpreter",
        empty_label="Any",
    )

    class Meta:
        model = SchoolFamily
        fields: list[str] = []

    def __init__(self, data=None, *, school: School, **kwargs):
        self.school = school
        super().__init__(data, queryset=families_on_roll(school.pk), **kwargs)
        # Two kept reads fill every choice list, however many families the school has.
        classes = _classes_of(school_id=school.pk)
        self.classes = classes  # kept for the dashboard's class-by-class table
        years = sorted({c.year_group for c in classes if c.year_group})
        self.filters["year_group"].extra["choices"] = [(y, y) for y in years]
        self.filters["class_group"].extra["choices"] = [(str(c.pk), c.name) for c in classes]
        self.filters["key_contact"].extra["choices"] = [
            (str(pk), name) for pk, name in family_worker_names(school.pk)
        ]

    def _pupils(self, **kwargs):
        return Exists(
            Child.objects.on_roll().filter(family=OuterRef("family"), school=self.school, **kwargs)
        )

    def filter_year_group(self, queryset, name, value):
        return queryset.filter(self._pupils(year_group=value))

    def filter_class_group(self, queryset, name, value):
        return queryset.filter(self._pupils(class_group_id=value))

    def filter_level(self, queryset, name, value):
        # The level of each family's latest placement, kept with the family by compass.services.
        return queryset.filter(current_level=value)

    def filter_key_contact(self, queryset, name, value):
        return queryset.filter(key_contact_id=value)

    def filter_looked_after(self, queryset, name, value):
        looked_after = self._pupils(looked_after=True)
        return queryset.filter(looked_after if value == "yes" else ~looked_after)

    def filter_interpreter(self, queryset, name, value):
        needs = Exists(
            ParentCarer.objects.filter(family=OuterRef("family"), interpreter_needed=True)
        )
        return queryset.filter(needs if value == "yes" else ~needs)


_classes_of = Compiled(
    lambda school_id: (
        ClassGroup.objects.filter(school_id=school_id)
        .order_by("year_group", "name")
        .fetch_mode(models.FETCH_RAISE)
    ),
    school_id=int,
)
# The school's families on its roll today, built once a day per school: resolving the two
# outer references took the ORM longer than the dashboard's filters do all else. A queryset
# taken from here is chained (or `.all()`), never read itself.
_ON_ROLL: dict[tuple[int, datetime.date], QuerySet] = {}


def families_on_roll(school_id: int) -> QuerySet:
    """The school's families that count in its figures (families.models on_roll): not those
    whose children here are all still to start."""
    today = timezone.localdate()
    key = (school_id, today)
    found = _ON_ROLL.get(key)
    if found is None:
        if len(_ON_ROLL) >= 4096:
            _ON_ROLL.clear()
        found = _ON_ROLL[key] = SchoolFamily.objects.filter(school_id=school_id).on_roll(today)
    return found.all()


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label="Compare", choices=PERIOD_CHOICES, required=False, initial="term"
    )

    def chosen(self) -> str:
        return (self.cleaned_data.get("period") or "term") if self.is_valid() else "term"


class SelfEvaluationForm(forms.Form):
    """The reflection questions and the target share of families in each region."""

    target_year = forms.IntegerField(
        label="Where will we be by",
        min_value=2000,
        max_value=2100,
        help_text="The year by which we aim to reach this distribution (usually three years on).",
    )

    def __init__(self, *args, regions, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["target_year"].validators += [
            MinValueValidator(this_year),
            MaxValueValidator(this_year + 10),
        ]
        self.fields["target_year"].initial = previous.target_year if previous else this_year + 3
        answers = previous.answers if previous else {}
        for key, question, prompt in QUESTIONS:
            self.fields[f"answer_{key}"] = forms.CharField(
                label=question,
                help_text=prompt,
                required=False,
                max_length=4000,
                initial=answers.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        targets = {t.region_key: t.percent for t in previous.targets.all()} if previous else {}
        self.region_keys = [r.key for r in regions]
        for region in regions:
            self.fields[f"target_{region.key}"] = forms.IntegerField(
                label=f"{region.label} (% of families)",
                min_value=0,
                max_value=100,
                initial=targets.get(region.key, 0),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("Our reflection", *[f"answer_{key}" for key, _q, _p in QUESTIONS]),
            Fieldset(
                "Where will we be?",
                "target_year",
                *[f"target_{key}" for key in self.region_keys],
            ),
            Submit("save", "Record this self-evaluation"),
        )

    def clean(self):
        cleaned = super().clean()
        asked = [self.cleaned_data.get(f"target_{key}") for key in self.region_keys]
        shares = [share for share in asked if share is not None]
        if self.region_keys and len(shares) == len(asked) and sum(shares) != 100:
            self.add_error(
                f"target_{self.region_keys[0]}",
                f"The shares add up to {sum(shares)}%; they must add up to 100%.",
            )
        return cleaned

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"answer_{key}"].strip() for key, _q, _p in QUESTIONS}

    def targets(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"target_{key}"] for key in self.region_keys}
