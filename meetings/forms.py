"""Forms for planning, recording and following up meetings. They validate; views apply."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from families.labels import child_label
from families.models import Child, ParentCarer, Tone, adults_linked_to
from guidance import hints
from meetings.models import (
    ActionPoint,
    AgencyAttendee,
    Confidentiality,
    Contribution,
    Meeting,
    ScalingAnswer,
)
from meetings.services import restrictions_by_parent, summary_locked
from portal.lib import conflicts
from portal.lib.limits import BoundedModelForm, IdMultipleChoiceField
from portal.lib.sections import sectioned_helper
from portal.lib.staff import StaffChoiceField, StaffMultipleChoiceField, family_workers
from portal.lib.widgets import date_input, time_input

STAFF_CHOICE_ERROR = "Choose a member of staff at this school."


class ParentChoiceField(IdMultipleChoiceField):
    # Parent id -> the words of their recorded restriction, shown beside their name.
    restrictions: dict[int, str] = {}

    def label_from_instance(self, obj):
        words = self.restrictions.get(obj.pk)
        if words:
            return f"{obj.full_name} — restriction recorded: “{words}”"
        return obj.full_name


class MeetingForm(BoundedModelForm):
    """Plan (or re-plan) a meeting: when and where, who comes, and what the family needs."""

    date = forms.DateField(widget=date_input())
    start_time = forms.TimeField(label="Starts at", widget=time_input())
    end_time = forms.TimeField(label="Ends at", widget=time_input())
    chair = StaffChoiceField(queryset=None, error_messages={"invalid_choice": STAFF_CHOICE_ERROR})
    staff = StaffMultipleChoiceField(
        queryset=None,
        required=False,
        label="Other staff attending",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": STAFF_CHOICE_ERROR},
    )
    invited = ParentChoiceField(
        queryset=None,
        required=False,
        label="Parents and carers invited",
        widget=forms.CheckboxSelectMultiple,
        help_text="Every parent or carer is invited, including separated parents, unless a "
        "recorded restriction says otherwise.",
    )
    # Shown only where a parent or carer of the family has a recorded restriction.
    restriction_override = forms.BooleanField(
        required=False,
        label="I have read the restriction beside their name and decide to invite them",
        help_text="A parent or carer with a recorded restriction (for example a court order) is "
        "not invited, written to or sent anything unless a member of staff decides so.",
    )
    restriction_override_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Why they are invited despite the restriction",
        help_text="Kept on the meeting with your name and the date.",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "purpose",
            "children",
            "place_kind",
            "place_details",
            "child_attending",
            "child_view_how",
            "supporter_name",
            "supporter_relationship",
            "interpreter_language",
            "interpreter_booked",
            "transport_needed",
            "parent_items",
            "confidentiality",
            "confidentiality_reason",
        ]
        widgets = {
            "children": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "parent_items": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = ["kind", "purpose", "children", "date", "start_time", "end_time"]

    def __init__(self, *args, school, family, may_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school, self.family, self.may_override = school, family, may_override
        self.is_new = self.instance.pk is None
        staff = family_workers(school)
        self.fields["chair"].queryset = staff
        self.fields["staff"].queryset = staff
        parents = ParentCarer.objects.filter(family=family).order_by("last_name", "first_name")
        self.fields["invited"].queryset = parents
        self.fields["children"].queryset = Child.objects.filter(
            family=family, school=school, left_on__isnull=True
        )
        self.fields["children"].label = "About which children"
        self.fields["children"].label_from_instance = child_label
        self.restrictions = restrictions_by_parent(family)
        self.restricted = set(self.restrictions)
        self.fields["invited"].restrictions = self.restrictions
        if not (self.restricted and may_override):
            # Only those who may decide see the decision's fields (others are told who may).
            del self.fields["restriction_override"]
            del self.fields["restriction_override_reason"]
        parent_list = list(parents)
        self._add_reason_fields(parent_list)
        if self.is_new:
            languages = sorted(
                {p.language for p in parent_list if p.interpreter_needed and p.language}
            )
            # The adults of the children the meeting is about (all here, or ?child=), never
            # every adult of a blended household; anyone left out is asked about by name.
            children = self.fields["children"].queryset
            named = {c.pk for c in children} & set(self.initial.get("children") or [])
            about = [c.pk for c in children if c.pk in named] or [c.pk for c in children]
            self.initial["children"] = about
            unrestricted = [p for p in parent_list if p.pk not in self.restricted]
            self.initial.setdefault("invited", adults_linked_to(unrestricted, about))
            self.initial.setdefault("interpreter_language", ", ".join(languages))
            self.initial.setdefault(
                "transport_needed",
                any(p.transport_needs or p.mobility_needs for p in parent_list),
            )
        else:
            # The version the editor started from: a save after someone else's is stopped.
            self.fields[conflicts.FIELD] = conflicts.version_field(self.instance)
            start = timezone.localtime(self.instance.starts_at)
            self.initial.update(
                date=start.date(),
                start_time=start.time().replace(second=0, microsecond=0),
                end_time=timezone.localtime(self.instance.ends_at).time(),
                chair=self.instance.chair_id,
                staff=[u.pk for u in self.instance.staff.all()],
                invited=[
                    i.parent_id
                    for i in self.instance.invitations.all()
                    if i.response != i.Response.NOT_INVITED
                ],
            )
            for inv in self.instance.invitations.all():
                if inv.response == inv.Response.NOT_INVITED and inv.parent_id in self.reasons:
                    self.initial[self.reasons[inv.parent_id]] = inv.not_invited_reason
            overridden = [i for i in self.instance.invitations.all() if i.is_overridden]
            if "restriction_override" in self.fields and overridden:
                self.initial.update(
                    restriction_override=True,
                    restriction_override_reason=overridden[0].override_reason,
                )

    def _add_reason_fields(self, parents) -> None:
        """One "why not invited" field per parent or carer, right after the invitations: each
        one left out is asked about by name (those a recorded restriction protects are not:
        the restriction is the reason)."""
        self.reasons = {}
        for parent in parents:
            if parent.pk in self.restricted:
                continue
            name = f"not_invited_reason_{parent.pk}"
            self.fields[name] = forms.CharField(
                required=False,
                max_length=300,
                label=f"If {parent.full_name} is not invited: why not",
            )
            self.reasons[parent.pk] = name
        order = list(self.fields)
        at = order.index("invited") + 1
        rest = [f for f in order if f not in self.reasons.values()]
        self.order_fields([*rest[:at], *self.reasons.values(), *rest[at:]])

    def clean(self):
        data = super().clean()
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if date and start and end:
            if end <= start:
                self.add_error("end_time", "The meeting must end after it starts.")
            else:
                tz = timezone.get_current_timezone()
                starts_at = datetime.datetime.combine(date, start, tzinfo=tz)
                if self.is_new and starts_at < timezone.now():
                    self.add_error(
                        "date", "A new meeting cannot be in the past. Choose a later date or time."
                    )
                data["starts_at"] = starts_at
                data["duration_minutes"] = (
                    datetime.datetime.combine(date, end) - datetime.datetime.combine(date, start)
                ).seconds // 60
        invited = {p.pk for p in data.get("invited") or []}
        for parent in self.fields["invited"].queryset:
            field = self.reasons.get(parent.pk)
            if field is None or parent.pk in invited:
                continue
            if not (data.get(field) or "").strip():
                self.add_error(
                    field,
                    "Every parent and carer is usually invited. "
                    f"Say why {parent.full_name} is not invited.",
                )
        self._clean_restricted(data)
        if (
            data.get("confidentiality", Confidentiality.SCHOOL) != Confidentiality.SCHOOL
            and not (data.get("confidentiality_reason") or "").strip()
        ):
            self.add_error(
                "confidentiality_reason", "Say briefly why this meeting is confidential."
            )
        return data

    def _clean_restricted(self, data) -> None:
        """A parent or carer with a recorded restriction is invited only when someone who may
        decide so ticks the box, having read the restriction, and gives a reason."""
        chosen = [p for p in data.get("invited") or [] if p.pk in self.restricted]
        if not chosen:
            return
        already = {
            i.parent_id: i.override_restriction
            for i in (self.instance.invitations.all() if not self.is_new else [])
            if i.is_overridden
        }
        new = [p for p in chosen if already.get(p.pk) != self.restrictions[p.pk]]
        if not self.may_override:
            # Someone who may not decide keeps an earlier decision but cannot make a new one.
            if new:
                self.add_error(
                    "invited",
                    f"{', '.join(p.full_name for p in new)} "
                    f"{'has' if len(new) == 1 else 'have'} a recorded restriction. Only "
                    "pastoral staff, the headteacher or the family's key contact can decide to "
                    "invite them.",
                )
            return
        names = ", ".join(p.full_name for p in chosen)
        if not data.get("restriction_override"):
            self.add_error(
                "restriction_override",
                f"{names} {'has' if len(chosen) == 1 else 'have'} a recorded restriction: read "
                "it beside their name. Tick this box to invite them anyway, or untick their name.",
            )
        if not (data.get("restriction_override_reason") or "").strip():
            self.add_error(
                "restriction_override_reason",
                f"Say why {names} {'is' if len(chosen) == 1 else 'are'} invited despite the "
                "recorded restriction.",
            )

    def service_kwargs(self) -> dict:
        """What the meeting services take, from the cleaned form."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name != "children"}
        fields.update(starts_at=data["starts_at"], duration_minutes=data["duration_minutes"])
        return {
            "children": list(data["children"]),
            "staff": list(data["staff"]),
            "invited": list(data["invited"]),
            "not_invited_reasons": {
                pk: data.get(field, "").strip() for pk, field in self.reasons.items()
            },
            "restriction_override_reason": (data.get("restriction_override_reason") or "").strip()
            if data.get("restriction_override")
            else "",
            **fields,
        }

    # The plan is long (twenty-odd fields): sections with headings, reached from an index at the
    # top of the form (portal/lib/sections.py). Fields no section names are drawn after them.
    SECTIONS = [
        ("What the meeting is for", ["kind", "purpose", "children"]),
        ("When", ["date", "start_time", "end_time"]),
        ("Where", ["place_kind", "place_details"]),
        (
            "Who comes",
            [
                "chair",
                "staff",
                "invited",
                # then one "why not invited" per adult (not_invited_reason_<id>), see helper
                "restriction_override",
                "restriction_override_reason",
                "child_attending",
                "child_view_how",
                "supporter_name",
                "supporter_relationship",
            ],
        ),
        (
            "What the family needs",
            ["interpreter_language", "interpreter_booked", "transport_needed", "parent_items"],
        ),
        ("Who may see this", ["confidentiality", "confidentiality_reason"]),
    ]

    @cached_property
    def helper(self):
        # Each adult's "why not invited" sits right after the invitations, in "Who comes".
        reasons = list(getattr(self, "reasons", {}).values())
        sections = [
            (
                title,
                [
                    name
                    for field in fields
                    for name in ([field, *reasons] if field == "invited" else [field])
                ],
            )
            for title, fields in self.SECTIONS
        ]
        return sectioned_helper(self, sections)


class AgencyForm(BoundedModelForm):
    class Meta:
        model = AgencyAttendee
        fields = ["name", "organisation", "kind", "role"]


class ContributionForm(BoundedModelForm):
    class Meta:
        model = Contribution
        fields = ["party", "words"]
        widgets = {"words": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hints.attach(self, "words")


class ScalingForm(BoundedModelForm):
    """One person's 0–10, the person chosen from those attending (never a typed name)."""

    # Choices are keys such as "parent-12" for the people at this meeting only; anything else,
    # however large a number it carries, is "not one of the choices" and reaches no query.
    person = forms.ChoiceField(
        label="Who",
        error_messages={"invalid_choice": "Choose someone attending this meeting."},
    )

    class Meta:
        model = ScalingAnswer
        fields = ["score", "one_point_higher"]
        widgets = {
            "score": forms.NumberInput(attrs={"min": 0, "max": 10}),
            "one_point_higher": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = ["person", "score", "one_point_higher"]

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        people = meeting.people_attending()
        self.fields["person"].choices = [
            ("", "Choose who is answering"),
            *((p["key"], p["label"]) for p in people),
        ]
        self.fields["person"].help_text = (
            "Everyone attending is listed: staff, parents and carers, the child, a supporter "
            "and partner agencies. Add a partner agency on the meeting plan first."
        )


class ActionPointForm(BoundedModelForm):
    """A next small step with one owner: staff, a parent, the child, or an agency."""

    owner_staff = StaffChoiceField(
        queryset=None,
        required=False,
        label="Member of staff",
        error_messages={"invalid_choice": STAFF_CHOICE_ERROR},
    )

    class Meta:
        model = ActionPoint
        fields = [
            "what",
            "owner_kind",
            "owner_staff",
            "owner_parent",
            "owner_child",
            "owner_agency",
            "due_on",
            "status",
            "progress_note",
        ]
        widgets = {"due_on": date_input()}
        error_messages = {
            "owner_parent": {"invalid_choice": "Choose a parent or carer in this family."},
            "owner_child": {"invalid_choice": "Choose a child in this family."},
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.instance.meeting = meeting
        self.fields["owner_staff"].queryset = family_workers(meeting.school)
        self.fields["owner_parent"].queryset = ParentCarer.objects.filter(family=meeting.family)
        # Only this school's pupils: a brother or sister at another school is not ours to name.
        self.fields["owner_child"].queryset = Child.objects.filter(
            family=meeting.family, school=meeting.school
        )
        if self.instance.pk is None:
            del self.fields["status"]
            del self.fields["progress_note"]


class RecordForm(BoundedModelForm):
    """The plain-language summary and review date, saved when the meeting is marked held."""

    class Meta:
        model = Meeting
        fields = ["summary", "review_on"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "review_on": date_input(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hints.attach(self, "summary")
        if self.instance.summary and summary_locked(self.instance):
            # Past its editing window the summary is kept as written; corrections are
            # amendments beside it (the review date can still change).
            self.fields["summary"].disabled = True
            self.fields[
                "summary"
            ].help_text = (
                "Recorded more than a day ago and kept as written: add an amendment to correct it."
            )

    def clean_review_on(self):
        review_on = self.cleaned_data.get("review_on")
        held_on = timezone.localtime(self.instance.starts_at).date()
        if review_on and review_on <= held_on:
            raise forms.ValidationError("The review date must be after the meeting.")
        return review_on


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why the meeting is cancelled")


class FollowUpLogForm(forms.Form):
    """Log the follow-up call or visit and say how each step it checks is going."""

    parents = ParentChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Who you spoke with"
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="What was said, in plain words",
    )
    tone = forms.ChoiceField(choices=Tone.choices, initial=Tone.POSITIVE)

    def __init__(self, *args, follow_up, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up = follow_up
        hints.attach(self, "summary")
        meeting = follow_up.meeting
        self.fields["parents"].queryset = ParentCarer.objects.filter(family=meeting.family)
        self.points = list(follow_up.action_points.all())
        for point in self.points:
            self.fields[f"status_{point.pk}"] = forms.ChoiceField(
                choices=ActionPoint.Status.choices,
                initial=point.status,
                label=f"“{point.what}” ({point.owner_name}, by {point.due_on:%-d %b})",
            )
            self.fields[f"note_{point.pk}"] = forms.CharField(
                required=False,
                max_length=500,
                label="How it is going",
                initial=point.progress_note,
            )

    def updates(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {p.pk: (data[f"status_{p.pk}"], data[f"note_{p.pk}"]) for p in self.points}


class StepProgressForm(BoundedModelForm):
    """What a step's owner updates when they may not change the meeting itself."""

    class Meta:
        model = ActionPoint
        fields = ["status", "progress_note"]

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
