"""The family list's filters (django-filter). Name search is not here: it goes by POST.

Contact filters use the `seen_*` summaries (SchoolFamilyQuerySet.with_seen_summary), so a
confidential contact the user may not read never changes what a filter shows them.
"""

from __future__ import annotations

import copy
import datetime as dt
from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator

from families import rhythm
from families.models import (
    FOLLOW_UP_NOTICE_DAYS,
    Child,
    Contact,
    Level,
    ParentCarer,
    SchoolFamily,
    Tone,
)
from portal.compiled import Compiled
from portal.lib.staff import StaffChoiceField, offer_family_workers
from portal.lib.terms import term_containing
from portal.models import ClassGroup

NO_CONTACT = "none"
SORTS = {
    "name": ("family__name",),
    "quiet": (F("seen_last_at").asc(nulls_first=True), "family__name"),
    "recent": (F("seen_last_at").desc(nulls_last=True), "family__name"),
    "positive": (F("seen_last_positive_at").asc(nulls_first=True), "family__name"),
}

# The date filters' cut-offs (FamilyFilter.date_cutoffs), by name, and what each is.
CUTOFF_KINDS: dict[str, type] = {
    "quiet_since": dt.datetime,
    "positive_since": dt.datetime,
    **{f"due_{level}": dt.datetime for level in Level.values},
    "term_start": dt.date,
    "follow_ups_by": dt.date,
}


# The list's pickers, read once per process and shape (portal.compiled).
_classes_of = Compiled(
    lambda school_id: ClassGroup.objects.filter(school_id=school_id), school_id=int
)
_year_groups_of = Compiled(
    lambda school_id: (
        Child.objects.filter(school_id=school_id, left_on__isnull=True)
        .exclude(year_group="")
        .values_list("year_group", flat=True)
        .distinct()
        .order_by("year_group")
    ),
    school_id=int,
)


class StaffFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class FamilyFilter(django_filters.FilterSet):
    class_group = django_filters.ModelChoiceFilter(
        label="Class",
        queryset=ClassGroup.objects.none(),
        method="filter_class_group",
        empty_label="Any class",
    )
    year_group = django_filters.ChoiceFilter(
        label="Year", method="filter_year_group", empty_label="Any year"
    )
    key_contact = StaffFilter(label="Key contact", queryset=None, empty_label="Anyone")
    last_tone = django_filters.ChoiceFilter(
        label="Tone of last contact",
        choices=[*Tone.choices, (NO_CONTACT, "No contact yet")],
        method="filter_last_tone",
        empty_label="Any",
    )
    quiet_weeks = django_filters.NumberFilter(
        label="No contact for at least (weeks)",
        method="filter_quiet_weeks",
        min_value=1,
        max_value=104,
    )
    due_contact = django_filters.BooleanFilter(
        label="Due a contact for their level",
        method="filter_due_contact",
        widget=forms.CheckboxInput,
    )
    no_positive_this_term = django_filters.BooleanFilter(
        label="No positive contact this term",
        method="filter_no_positive_this_term",
        widget=forms.CheckboxInput,
    )
    my_follow_ups = django_filters.BooleanFilter(
        label="A follow-up of mine is overdue or due this week",
        method="filter_my_follow_ups",
        widget=forms.CheckboxInput,
    )
    looked_after = django_filters.BooleanFilter(
        label="Has a looked-after child", method="filter_looked_after", widget=forms.CheckboxInput
    )
    birth_date_missing = django_filters.BooleanFilter(
        label="A pupil's date of birth is still to complete",
        method="filter_birth_date_missing",
        widget=forms.CheckboxInput,
    )
    interpreter = django_filters.BooleanFilter(
        label="A parent needs an interpreter",
        method="filter_interpreter",
        widget=forms.CheckboxInput,
    )
    # The home page's "Time for some good news" panel, in full (its "And 12 more" links here).
    mine = django_filters.BooleanFilter(
        label="Only families I am key contact for or teach",
        method="filter_mine",
        widget=forms.CheckboxInput,
    )
    no_positive_weeks = django_filters.NumberFilter(
        label="No positive contact for at least (weeks)",
        method="filter_no_positive_weeks",
        min_value=1,
        max_value=104,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[
            ("name", "Family name"),
            ("quiet", "Longest without contact"),
            ("recent", "Most recent contact"),
            ("positive", "Longest without positive contact"),
        ],
        empty_label=None,
        method="filter_sort",
    )

    class Meta:
        model = SchoolFamily
        fields: list[str] = []

    def __init__(self, data=None, *args, school, user, cutoffs=None, **kwargs):
        """`cutoffs`, if given, are the moments and days the date filters compare with (see
        date_cutoffs); otherwise they are worked out when first needed."""
        data = data.copy() if data is not None else None
        if data is not None and not data.get("sort"):
            data["sort"] = "name"
        super().__init__(data, *args, **kwargs)
        self.school = school
        self.user = user
        self._cutoffs = cutoffs

    def get_form_class(self):
        """The form's class, built once per process from the filters as declared: what differs
        by school (the classes, years and staff offered and accepted) is set on each form's own
        fields (`form`), never on the class or the shared filters."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            fields = {name: each.field for name, each in self.base_filters.items()}
            form_class = type(f"{type(self).__name__}Form", (self._meta.form,), fields)
            type(self)._form_class = form_class
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            school = self.school
            fields = form.fields
            fields["class_group"].queryset = ClassGroup.objects.filter(school=school)
            fields["year_group"].choices = [
                (year, year) for year in _year_groups_of(school_id=school.pk)
            ]
            # The pickers draw their options from kept reads (portal.compiled), and only when
            # drawn; what they accept is still checked against the querysets above.
            offer_family_workers(school, fields["key_contact"])
            # (The widget's options only: django-filter's field would wrap what it is given.)
            field = fields["class_group"]
            first = [("", field.empty_label)]
            field.widget.choices = CallableChoiceIterator(
                lambda: (
                    first + [(group.pk, str(group)) for group in _classes_of(school_id=school.pk)]
                )
            )
        return self._form

    def date_cutoffs(self) -> dict[str, dt.date]:
        """The moments and days the chosen filters compare with, worked out now (the time
        before which a family's last contact counts as quiet, the start of this term...), by
        name (CUTOFF_KINDS), and kept for this filter set's own filtering. The list's kept read
        takes them as named values, so a filter by date is built once per process like any
        other (families.views.lists), not on every page."""
        if self._cutoffs is None:
            self._cutoffs = self._cutoffs_now()
        return self._cutoffs

    def _cutoffs_now(self) -> dict[str, dt.date]:
        self.is_valid()  # the form's cleaned data: every field that is valid, even if one is not
        chosen = self.form.cleaned_data
        now, today = timezone.now(), timezone.localdate()
        found: dict[str, dt.date] = {}
        if chosen.get("quiet_weeks"):
            found["quiet_since"] = now - timedelta(weeks=int(chosen["quiet_weeks"]))
        if chosen.get("no_positive_weeks"):
            found["positive_since"] = now - timedelta(weeks=int(chosen["no_positive_weeks"]))
        if chosen.get("due_contact"):
            levels = rhythm.cutoffs_for(rhythm.rhythm_for(self.school), now)
            found |= {f"due_{level}": moment for level, moment in levels.items()}
        if chosen.get("no_positive_this_term"):
            # Compared with the day of the last positive contact in the portal's time zone
            # (`__date`), whose name is a constant of the kept read: one zone for every school.
            found["term_start"] = term_containing(today, self.school).start
        if chosen.get("my_follow_ups"):
            found["follow_ups_by"] = today + timedelta(days=FOLLOW_UP_NOTICE_DAYS)
        return found

    def _cutoff(self, name: str):
        found = self.date_cutoffs()
        if name not in found:
            # Not among those given: the filters did not all hold when the cut-offs were
            # worked out and hold now (a class or member of staff changed in between). Worked
            # out here, the kept read is built afresh for its values (portal.compiled): right.
            found = self._cutoffs = {**self._cutoffs_now(), **found}
        return found[name]

    def _pupils(self):
        return Child.objects.filter(
            family=OuterRef("family"), school=self.school, left_on__isnull=True
        )

    def filter_class_group(self, queryset, name, value):
        return queryset.filter(Exists(self._pupils().filter(class_group=value)))

    def filter_year_group(self, queryset, name, value):
        return queryset.filter(Exists(self._pupils().filter(year_group=value)))

    def filter_last_tone(self, queryset, name, value):
        if value == NO_CONTACT:
            return queryset.filter(seen_last_at__isnull=True)
        return queryset.filter(seen_last_tone=value)

    def filter_quiet_weeks(self, queryset, name, value):
        since = self._cutoff("quiet_since")
        return queryset.filter(Q(seen_last_at__isnull=True) | Q(seen_last_at__lt=since))

    def filter_due_contact(self, queryset, name, value):
        """Longer without a contact than the family's communication level allows."""
        if not value:
            return queryset
        # The cut-offs carry the school's rhythm, read on each page (a headteacher may change it).
        cutoffs = {level: self._cutoff(f"due_{level}") for level in Level.values}
        return queryset.filter(rhythm.due_q(None, field="seen_last_at", cutoffs=cutoffs))

    def filter_no_positive_this_term(self, queryset, name, value):
        if not value:
            return queryset
        start = self._cutoff("term_start")
        return queryset.filter(
            Q(seen_last_positive_at__isnull=True) | Q(seen_last_positive_at__date__lt=start)
        )

    def filter_my_follow_ups(self, queryset, name, value):
        """The families on the home page's "My follow-ups" (on contacts the user may read)."""
        if not value:
            return queryset
        due = (
            Contact.objects.visible_to(self.user, self.school)
            .follow_ups_due(self.user, self.school, self._cutoff("follow_ups_by"))
            .filter(family=OuterRef("family"))
        )
        return queryset.filter(Exists(due))

    def filter_looked_after(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(self._pupils().filter(looked_after=True)))

    def filter_birth_date_missing(self, queryset, name, value):
        """Pupils imported without a date of birth (OneRoster keeps it in an optional file)."""
        if not value:
            return queryset
        return queryset.filter(Exists(self._pupils().filter(date_of_birth__isnull=True)))

    def filter_interpreter(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(ParentCarer.objects.filter(family=OuterRef("family"), interpreter_needed=True))
        )

    def filter_sort(self, queryset, name, value):
        # A class teacher's own pupils' families come first, whatever the sort.
        return queryset.order_by("-is_mine", *SORTS.get(value, SORTS["name"]))

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        taught = self._pupils().filter(class_group__staff=self.user)
        return queryset.filter(Q(key_contact=self.user) | Exists(taught))

    def filter_no_positive_weeks(self, queryset, name, value):
        since = self._cutoff("positive_since")
        return queryset.filter(
            Q(seen_last_positive_at__isnull=True) | Q(seen_last_positive_at__lt=since)
        )


class _Declared(dict):
    """A filter set's declared filters, copied for each filter set as django-filter copies
    them, but shallowly: django-filter deep-copies every filter with its choices and querysets
    on every page (a quarter of the filter set's cost), to guard against a filter set that
    changes its own. FamilyFilter never does (what differs by school is set on its form's
    fields), so each copy needs only its own parent, model and method. Keep it so: never set a
    filter's queryset or `extra`, or touch its `field`, on a FamilyFilter; set what differs on
    the form's own fields (`FamilyFilter.form`)."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, declared in self.items():
            each = copy.copy(declared)
            each.method = declared.method  # its FilterMethod bound to the copy, not the original
            copies[name] = each
        return copies


FamilyFilter.base_filters = _Declared(FamilyFilter.base_filters)
