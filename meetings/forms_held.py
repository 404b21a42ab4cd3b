"""Forms for meetings as they happen: one already held (not planned here first), who actually
attended, and who was given the summary. They validate; views apply."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from families.models import Child, ParentCarer, adults_linked_to
from guidance import hints
from meetings.forms import STAFF_CHOICE_ERROR, ParentChoiceField
from meetings.models import AgencyAttendee, Confidentiality, Meeting, MeetingParent, SummarySent
from meetings.services import restrictions_by_parent
from portal.lib.limits import BoundedModelForm, IdMultipleChoiceField
from portal.lib.staff import StaffChoiceField, StaffMultipleChoiceField, family_workers
from portal.lib.widgets import date_input, time_input


class AgencyChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}, {obj.role or obj.organisation}"


def _staff_present_field() -> StaffMultipleChoiceField:
    return StaffMultipleChoiceField(
        queryset=None,
        required=False,
        label="Staff who were there",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": STAFF_CHOICE_ERROR},
    )


def _parents_present_field() -> ParentChoiceField:
    return ParentChoiceField(
        queryset=None,
        required=False,
        label="Parents and carers who were there",
        widget=forms.CheckboxSelectMultiple,
    )


class HeldMeetingForm(BoundedModelForm):
    """A meeting already held, recorded afterwards: when, who was there, what it was about."""

    date = forms.DateField(widget=date_input(), help_text="The day it was held.")
    start_time = forms.TimeField(label="Started at", widget=time_input())
    end_time = forms.TimeField(label="Ended at", widget=time_input())
    chair = StaffChoiceField(
        queryset=None,
        label="Who led it",
        error_messages={"invalid_choice": STAFF_CHOICE_ERROR},
    )
    staff_present = _staff_present_field()
    parents_present = _parents_present_field()

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "purpose",
            "children",
            "place_kind",
            "place_details",
            "child_attending",
            "summary",
            "review_on",
            "confidentiality",
            "confidentiality_reason",
        ]
        widgets = {
            "children": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "review_on": date_input(),
        }
        labels = {
            "child_attending": "The child or young person was there",
            "purpose": "What it was about",
        }

    field_order = [
        "kind",
        "purpose",
        "children",
        "date",
        "start_time",
        "end_time",
        "place_kind",
        "place_details",
        "chair",
        "staff_present",
        "parents_present",
        "child_attending",
    ]

    def __init__(self, *args, school, family, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.school, self.family = school, family
        staff = family_workers(school)
        self.fields["chair"].queryset = staff
        self.fields["staff_present"].queryset = staff
        parents = ParentCarer.objects.filter(family=family).order_by("last_name", "first_name")
        self.fields["parents_present"].queryset = parents
        self.fields["parents_present"].restrictions = restrictions_by_parent(family)
        children = Child.objects.filter(family=family, school=school, left_on__isnull=True)
        self.fields["children"].queryset = children
        self.fields["children"].label = "About which children"
        self.fields["summary"].help_text = (
            "What was talked about and agreed, in words the family will understand. What each "
            "person said, scaling answers and the next steps are added on the meeting's record."
        )
        hints.attach(self, "summary")
        if not self.is_bound:
            named = {c.pk for c in children} & set(self.initial.get("children") or [])
            about = [c.pk for c in children if c.pk in named] or [c.pk for c in children]
            self.initial["children"] = about
            self.initial.setdefault("chair", user.pk)
            self.initial.setdefault("staff_present", [user.pk])
            self.initial.setdefault("date", timezone.localdate() - datetime.timedelta(days=1))
            self.initial.setdefault("parents_present", adults_linked_to(list(parents), about))

    def clean(self):
        data = super().clean()
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if date and start and end:
            if end <= start:
                self.add_error("end_time", "The meeting must end after it starts.")
            else:
                tz = timezone.get_current_timezone()
                starts_at = datetime.datetime.combine(date, start, tzinfo=tz)
                if starts_at > timezone.now():
                    self.add_error(
                        "date",
                        "A meeting recorded as held must have started already. "
                        "To arrange one, plan it instead.",
                    )
                data["starts_at"] = starts_at
                data["duration_minutes"] = (
                    datetime.datetime.combine(date, end) - datetime.datetime.combine(date, start)
                ).seconds // 60
        review_on = data.get("review_on")
        if review_on and date and review_on <= date:
            self.add_error("review_on", "The review date must be after the meeting.")
        if (
            data.get("confidentiality", Confidentiality.SCHOOL) != Confidentiality.SCHOOL
            and not (data.get("confidentiality_reason") or "").strip()
        ):
            self.add_error(
                "confidentiality_reason", "Say briefly why this meeting is confidential."
            )
        return data

    def _post_clean(self):
        # meetings.services_held.meeting_record_held validates the whole meeting before saving.
        pass

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name != "children"}
        return {
            **fields,
            "chair": data["chair"],
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "children": list(data["children"]),
            "staff_present": list(data["staff_present"]),
            "parents_present": list(data["parents_present"]),
        }


class AttendanceForm(forms.Form):
    """Who actually attended: staff, parents and carers, partner agencies."""

    staff_present = _staff_present_field()
    parents_present = _parents_present_field()
    agencies_present = AgencyChoiceField(
        queryset=None,
        required=False,
        label="Partner agencies who were there",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["staff_present"].queryset = family_workers(meeting.school)
        self.fields["parents_present"].queryset = ParentCarer.objects.filter(
            family=meeting.family
        ).order_by("last_name", "first_name")
        agencies = AgencyAttendee.objects.filter(meeting=meeting)
        self.fields["agencies_present"].queryset = agencies
        if not agencies.exists():
            del self.fields["agencies_present"]
        if self.is_bound:
            return
        invitations = list(meeting.invitations.all())
        if meeting.attendance_recorded_at:
            staff = [u.pk for u in meeting.staff_present.all()]
            parents = [i.parent_id for i in invitations if i.attended]
            agencies_there = [a.pk for a in agencies if a.attended]
        else:  # a first guess: those who were coming
            staff = [meeting.chair_id, *(u.pk for u in meeting.staff.all())]
            coming = (MeetingParent.Response.INVITED, MeetingParent.Response.ATTENDING)
            parents = [i.parent_id for i in invitations if i.response in coming]
            agencies_there = [a.pk for a in agencies]
        self.initial.update(
            staff_present=staff, parents_present=parents, agencies_present=agencies_there
        )


class SummarySentForm(forms.Form):
    """The summary given or sent to one person: to whom, on which day, how."""

    # Keys such as "parent-12" or "agency-3" for this meeting's people only.
    to = forms.ChoiceField(
        label="Sent to",
        error_messages={"invalid_choice": "Choose a parent or carer, or an agency at the meeting."},
    )
    sent_on = forms.DateField(label="When", widget=date_input())
    how = forms.ChoiceField(choices=SummarySent.How.choices, initial=SummarySent.How.HANDED)

    def __init__(self, *args, meeting: Meeting, refusals: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        parents = ParentCarer.objects.filter(family=meeting.family).order_by(
            "last_name", "first_name"
        )
        self.people = {f"parent-{p.pk}": p for p in parents if not refusals.get(p.pk)}
        self.people |= {f"agency-{a.pk}": a for a in meeting.agencies.all()}
        self.fields["to"].choices = [
            ("", "Choose who it was sent to"),
            *((key, self._label(obj)) for key, obj in self.people.items()),
        ]
        if refusals:
            self.fields["to"].help_text = (
                "Someone a recorded restriction protects is not listed: nothing from this "
                "meeting is sent to them."
            )
        self.initial.setdefault("sent_on", timezone.localdate())

    @staticmethod
    def _label(obj) -> str:
        if isinstance(obj, ParentCarer):
            return f"{obj.full_name} (parent or carer)"
        return f"{obj.name}, {obj.role or obj.organisation} (partner agency)"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        chosen = self.people[data["to"]]
        kind = "parent" if isinstance(chosen, ParentCarer) else "agency"
        return {kind: chosen, "sent_on": data["sent_on"], "how": data["how"]}
