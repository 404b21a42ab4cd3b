"""Forms for setting up a parents' evening: the event, a sitting (with its breaks), and who
takes part. They validate and normalise; views apply through evenings.services."""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

from django import forms
from django.utils import timezone

from evenings.models import Evening, Taking
from portal.lib.limits import BoundedModelForm, IdMultipleChoiceField
from portal.lib.staff import StaffMultipleChoiceField, family_workers, staff_name
from portal.lib.widgets import date_input, datetime_input, time_input
from portal.models import ClassGroup

STAFF_CHOICE_ERROR = "Choose a member of staff at this school."
# "17:00–17:15", "17:00-17:15" or "17.00 to 17.15", several separated by commas or new lines.
BREAK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(?:-|–|—|to)\s*(\d{1,2})[:.](\d{2})\s*$")


class ClassChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.year_group})" if obj.year_group else obj.name


class EveningForm(BoundedModelForm):
    """The event: its name and purpose, the appointment length, when booking opens and closes,
    who is invited, and who books for parents who phone."""

    year_groups = forms.MultipleChoiceField(
        required=False,
        label="Year groups invited",
        widget=forms.CheckboxSelectMultiple,
        help_text="Every family with a child in these year groups is invited.",
    )
    classes = ClassChoiceField(
        queryset=None,
        required=False,
        label="Classes invited",
        widget=forms.CheckboxSelectMultiple,
        help_text="Or only some classes (as well as any year groups chosen).",
    )
    office = StaffMultipleChoiceField(
        queryset=None,
        required=False,
        label="Who books for parents who phone",
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the whole event and book, move or cancel on a parent's behalf.",
        error_messages={"invalid_choice": STAFF_CHOICE_ERROR},
    )

    class Meta:
        model = Evening
        fields = ["name", "about", "slot_minutes", "gap_minutes", "opens_at", "changes_until"]
        widgets = {
            "about": forms.Textarea(attrs={"rows": 3}),
            "opens_at": datetime_input(),
            "changes_until": datetime_input(),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance.school = school
        groups = (
            ClassGroup.objects.filter(school=school)
            .exclude(year_group="")
            .order_by("year_group")
            .values_list("year_group", flat=True)
            .distinct()
        )
        cast(forms.ChoiceField, self.fields["year_groups"]).choices = [(g, g) for g in groups]
        cast(
            forms.ModelMultipleChoiceField, self.fields["classes"]
        ).queryset = ClassGroup.objects.filter(school=school).order_by("year_group", "name")
        cast(forms.ModelMultipleChoiceField, self.fields["office"]).queryset = family_workers(
            school
        )
        for name in ("opens_at", "changes_until"):
            self.fields[name].widget = datetime_input()
        if self.instance.pk:
            self.initial.update(
                year_groups=list(self.instance.year_groups or []),
                classes=[c.pk for c in self.instance.classes.all()],
                office=[u.pk for u in self.instance.office.all()],
            )

    def clean_slot_minutes(self):
        minutes = self.cleaned_data.get("slot_minutes")
        if minutes is not None and not 3 <= minutes <= 60:
            raise forms.ValidationError("Choose between 3 and 60 minutes.")
        return minutes

    def clean_gap_minutes(self):
        minutes = self.cleaned_data.get("gap_minutes")
        if minutes is not None and minutes > 30:
            raise forms.ValidationError("Choose at most 30 minutes.")
        return minutes

    def clean(self):
        data = super().clean() or {}
        opens, until = data.get("opens_at"), data.get("changes_until")
        if opens and until and until <= opens:
            self.add_error("changes_until", "The last moment to book must be after booking opens.")
        if not data.get("year_groups") and not data.get("classes"):
            self.add_error("year_groups", "Choose at least one year group or class to invite.")
        return data

    def _post_clean(self):
        # The year groups are a JSON list on the model: set them before the model's checks.
        self.instance.year_groups = list(self.cleaned_data.get("year_groups") or [])
        super()._post_clean()  # type: ignore[misc]


def _parse_breaks(text: str) -> list[tuple[dt.time, dt.time]]:
    found = []
    for part in re.split(r"[,;\n]+", text or ""):
        if not part.strip():
            continue
        match = BREAK.match(part)
        if not match:
            raise forms.ValidationError(
                f"“{part.strip()[:40]}” is not a break we can read. Write it as 17:00–17:15."
            )
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError:
            raise forms.ValidationError(f"“{part.strip()[:40]}” is not a time of day.") from None
        if end <= start:
            raise forms.ValidationError(f"The break {start:%H:%M} must end after it starts.")
        found.append((start, end))
    return found


class SittingForm(forms.Form):
    """One stretch of the evening on one day, how parents may meet, and any breaks."""

    date = forms.DateField(widget=date_input())
    start_time = forms.TimeField(label="Starts at", widget=time_input())
    end_time = forms.TimeField(label="Ends at", widget=time_input())
    in_person = forms.BooleanField(label="In person", required=False, initial=True)
    phone = forms.BooleanField(label="By phone", required=False, initial=True)
    video = forms.BooleanField(
        label="By video call",
        required=False,
        help_text="Only with staff who have a video call link on the staff page.",
    )
    place = forms.CharField(
        max_length=200, required=False, help_text="Where in the school, e.g. the main hall."
    )
    breaks = forms.CharField(
        label="Breaks for everyone (optional)",
        required=False,
        max_length=300,
        help_text="e.g. 17:00–17:15. Several? Separate them with commas.",
    )

    def clean_breaks(self):
        return _parse_breaks(self.cleaned_data.get("breaks", ""))

    def clean(self):
        data = super().clean() or {}
        if not (data.get("in_person") or data.get("phone") or data.get("video")):
            self.add_error(
                "in_person", "Offer at least one way to meet: in person, phone or video."
            )
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if not (day and start and end):
            return data
        if end <= start:
            self.add_error("end_time", "The sitting must end after it starts.")
            return data
        tz = timezone.get_current_timezone()
        data["starts_at"] = dt.datetime.combine(day, start, tzinfo=tz)
        data["ends_at"] = dt.datetime.combine(day, end, tzinfo=tz)
        breaks = []
        for b_start, b_end in data.get("breaks") or []:
            if b_start < start or b_end > end:
                self.add_error(
                    "breaks",
                    f"The break {b_start:%H:%M}–{b_end:%H:%M} is outside the sitting "
                    f"({start:%H:%M}–{end:%H:%M}).",
                )
                continue
            breaks.append(
                (
                    dt.datetime.combine(day, b_start, tzinfo=tz),
                    dt.datetime.combine(day, b_end, tzinfo=tz),
                )
            )
        data["break_times"] = breaks
        return data


class StaffForm(forms.Form):
    """Who takes part: for each member of staff who works with families, a tick, whether any
    invited family may book them, where they sit and their video call link."""

    def __init__(self, *args, school, evening: Evening, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(family_workers(school))
        takings = {t.staff_id: t for t in Taking.objects.filter(evening=evening)}
        self.rows = []
        for user in self.people:
            taking = takings.get(user.pk)
            name = staff_name(user)
            prefix = f"s{user.pk}"
            self.fields[f"{prefix}_takes_part"] = forms.BooleanField(
                required=False, label=f"{name} takes part", initial=taking is not None
            )
            self.fields[f"{prefix}_for_everyone"] = forms.BooleanField(
                required=False,
                label="Any invited family may book them",
                initial=bool(taking and taking.for_everyone),
            )
            self.fields[f"{prefix}_room"] = forms.CharField(
                required=False,
                max_length=100,
                label="Where they sit",
                initial=taking.room if taking else "",
            )
            self.fields[f"{prefix}_video_link"] = forms.URLField(
                required=False,
                max_length=200,
                label="Video call link",
                assume_scheme="https",
                initial=taking.video_link if taking else "",
            )
            self.rows.append((user, name, prefix))

    def person_rows(self):
        """For the template: each person with their four fields."""
        return [
            (
                name,
                [
                    self[f"{prefix}_{f}"]
                    for f in ("takes_part", "for_everyone", "room", "video_link")
                ],
            )
            for _user, name, prefix in self.rows
        ]

    def chosen(self) -> list[tuple]:
        """(user, for_everyone, room, video_link) for everyone ticked."""
        data = self.cleaned_data
        return [
            (
                user,
                data[f"{prefix}_for_everyone"],
                data[f"{prefix}_room"].strip(),
                data[f"{prefix}_video_link"],
            )
            for user, _name, prefix in self.rows
            if data.get(f"{prefix}_takes_part")
        ]
