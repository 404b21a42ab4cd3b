"""The forms of the staff side of an evening: finding a parent who phones, booking, moving an
appointment, and the filters of the whole event."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from evenings.models import Booking, Sitting, Slot, Way
from families.models import Child
from portal.lib import clock
from portal.lib.limits import IdChoiceField, IdMultipleChoiceField
from portal.lib.words import staff_name


def slot_label(slot: Slot, *, with_staff: bool = False) -> str:
    local = timezone.localtime(slot.starts_at)
    words = f"{local:%a %-d %b}, {clock.time_of_day(local)}"
    return f"{words} with {staff_name(slot.staff)}" if with_staff else words


class ChildrenField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class SlotField(IdChoiceField):
    def label_from_instance(self, obj):
        return slot_label(obj)


class StaffField(IdChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)


class SittingField(IdChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class FindParentForm(forms.Form):
    q = forms.CharField(
        label="Name of the parent, carer or child", max_length=100, required=False, strip=True
    )


def _free_choices(free: list[Slot], *, with_staff: bool) -> list[tuple]:
    return [("", "Choose a time")] + [(s.pk, slot_label(s, with_staff=with_staff)) for s in free]


class OfficeBookingForm(forms.Form):
    """One appointment booked by the office for a parent. The time is checked against all the
    member of staff's times, not only those free when the page was drawn, so a time taken
    meanwhile is refused by the booking itself, in its own words."""

    children = ChildrenField(
        queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Which child or children",
    )
    slot = SlotField(queryset=Slot.objects.none(), label="Time")
    way = forms.ChoiceField(choices=Way.choices, initial=Way.IN_PERSON, label="How they will meet")
    interpreter = forms.CharField(
        label="Interpreter needed, in",
        max_length=60,
        required=False,
        help_text="The language, if they need an interpreter.",
    )
    supporter = forms.CharField(
        label="Bringing a supporter",
        max_length=200,
        required=False,
        help_text="Who, in their words.",
    )
    note = forms.CharField(
        label="Anything the teacher should know",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, children: QuerySet, slots: QuerySet, free: list[Slot], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["children"]).queryset = children
        cast(forms.ModelChoiceField, self.fields["slot"]).queryset = slots
        self.fields["slot"].widget.choices = _free_choices(free, with_staff=False)


class MoveForm(forms.Form):
    slot = SlotField(queryset=Slot.objects.none(), label="New time")

    def __init__(self, *args, slots: QuerySet, free: list[Slot], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["slot"]).queryset = slots
        self.fields["slot"].widget.choices = _free_choices(free, with_staff=True)


class WholeFilter(forms.Form):
    staff = StaffField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Everyone"
    )
    sitting = SittingField(
        queryset=Sitting.objects.none(), required=False, empty_label="Every sitting"
    )

    def __init__(self, *args, staff: QuerySet, sittings: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["staff"]).queryset = staff
        cast(forms.ModelChoiceField, self.fields["sitting"]).queryset = sittings


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(Booking.Outcome.ATTENDED, "Came"), (Booking.Outcome.MISSED, "Did not come")]
    )


class BlockForm(forms.Form):
    slot = forms.TypedMultipleChoiceField(coerce=int, choices=(), label="Times")
    keep = forms.ChoiceField(choices=[("blocked", "Keep free"), ("free", "Free again")])

    def __init__(self, *args, slot_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["slot"]).choices = [(pk, pk) for pk in slot_ids]
