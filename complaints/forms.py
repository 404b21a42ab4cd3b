"""Forms for recording a complaint, and for the point of contact's personal reply."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from complaints.models import Complaint
from families import choosers
from families.labels import label_children
from families.models import Family, ParentCarer
from portal.lib import conflicts
from portal.lib.limits import BoundedModelForm, IdChoiceField
from portal.lib.staff import StaffChoiceField, family_workers
from portal.lib.widgets import date_input, datetime_input

DATETIME_WIDGET = datetime_input()
DATE_WIDGET = date_input()


class ParentChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.family.label})"


class _ComplaintChecks:
    """Date and consistency checks shared by the complaint form and the reply form."""

    if TYPE_CHECKING:

        def add_error(self, field: str | None, error) -> None: ...

    def _check_not_future(self, name, value):
        if value is None:
            return
        now = timezone.now()
        later = value > now if hasattr(value, "hour") else value > timezone.localdate(now)
        if later:
            self.add_error(name, "This cannot be in the future.")

    def _check_response_dates(self, cleaned, received_at):
        first = cleaned.get("first_response_at")
        replied_on = cleaned.get("replied_on")
        reply = (cleaned.get("reply") or "").strip()
        self._check_not_future("first_response_at", first)
        self._check_not_future("replied_on", replied_on)
        if received_at and first and first < received_at:
            self.add_error(
                "first_response_at",
                "The first response cannot be before the complaint was received.",
            )
        if received_at and replied_on and replied_on < timezone.localtime(received_at).date():
            self.add_error(
                "replied_on", "The reply cannot be dated before the complaint was received."
            )
        if reply and not replied_on:
            self.add_error("replied_on", "Enter the date of the personal reply.")
        if replied_on and not reply:
            self.add_error("reply", "Write the personal reply, or clear its date.")
        if replied_on and not first:
            self.add_error(
                "first_response_at",
                "Enter when the first personal response was (a call, a meeting or this reply).",
            )
        if cleaned.get("apology_given") and not (cleaned.get("apology") or "").strip():
            self.add_error("apology", "Say what the apology was and how it was given.")
        if (cleaned.get("apology") or "").strip() and not cleaned.get("apology_given"):
            self.add_error("apology_given", "Tick this if an apology was given, or clear the text.")


class ComplaintForm(_ComplaintChecks, conflicts.VersionedForm, BoundedModelForm):
    """Record a complaint (add) or update how it is going (edit), for one school."""

    family = IdChoiceField(
        queryset=Family.objects.none(),
        error_messages={"invalid_choice": "Choose a family of this school."},
    )
    raised_by = ParentChoiceField(
        queryset=ParentCarer.objects.none(),
        required=False,
        label="Raised by (parent or carer)",
        error_messages={"invalid_choice": "Choose a parent or carer of this school's families."},
    )
    point_of_contact = StaffChoiceField(
        queryset=get_user_model().objects.none(),
        help_text="The one member of staff the parent deals with about this.",
        error_messages={"invalid_choice": "Choose a member of this school's staff."},
    )

    class Meta:
        model = Complaint
        fields = [
            "family",
            "raised_by",
            "raised_by_name",
            "about",
            "received_at",
            "received_how",
            "point_of_contact",
            "what_would_help",
            "school_can_offer",
            "first_response_at",
            "apology_given",
            "apology",
            "reply",
            "replied_on",
            "status",
            "outcome",
            "what_changed",
            "what_changed_shareable",
            "what_changed_shared_on",
        ]
        labels = {
            "raised_by_name": "Or someone else: name and who they are to the family",
            "received_at": "Received on",
            "received_how": "Received how",
            "what_would_help": "What the parent says would help",
            "school_can_offer": "What the school can offer",
            "first_response_at": "First personal response",
            "apology_given": "An apology was given",
            "replied_on": "Date of the personal reply",
            "what_changed_shareable": "What we changed can be shared back with the parent",
            "what_changed_shared_on": "Shared back with the parent on",
        }
        widgets = {
            "about": forms.Textarea(attrs={"rows": 3}),
            "what_would_help": forms.Textarea(attrs={"rows": 2}),
            "school_can_offer": forms.Textarea(attrs={"rows": 2}),
            "apology": forms.Textarea(attrs={"rows": 2}),
            "reply": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "what_changed": forms.Textarea(attrs={"rows": 2}),
            "received_at": DATETIME_WIDGET,
            "first_response_at": DATETIME_WIDGET,
            "replied_on": DATE_WIDGET,
            "what_changed_shared_on": DATE_WIDGET,
        }

    # Fields only worth asking once the complaint exists.
    LATER_FIELDS = (
        "reply",
        "replied_on",
        "status",
        "outcome",
        "what_changed",
        "what_changed_shareable",
        "what_changed_shared_on",
        "apology_given",
        "apology",
    )

    def __init__(self, *args, school, family=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        adding = self.instance.pk is None
        if adding:
            for name in self.LATER_FIELDS:
                del self.fields[name]
        if user is not None:
            # Only families this person may see; long lists become a search field.
            families = choosers.families_to_choose(user, school)
        else:
            families = Family.objects.filter(school_links__school=school).prefetch_related(
                label_children(school)
            )
        cast(forms.ModelChoiceField, self.fields["family"]).queryset = families
        fixed_family = self.instance.family if not adding else family
        if adding and fixed_family is not None:
            self.fields["family"].initial = fixed_family.pk
        if adding and user is not None:
            data = self.data if self.is_bound else None
            choosers.use_chooser(self, "family", school=school, families=families, data=data)
        if fixed_family is not None:
            self.fields["family"].initial = fixed_family.pk
            parents = ParentCarer.objects.filter(family=fixed_family)
        else:
            parents = ParentCarer.objects.filter(family__in=families)
        if not adding:
            # A complaint stays with the family it came from.
            self.fields["family"].disabled = True
        cast(forms.ModelChoiceField, self.fields["raised_by"]).queryset = (
            parents.select_related("family")
            .prefetch_related(label_children(school, "family__children"))
            .order_by("family__name", "last_name", "first_name")
        )
        cast(forms.ModelChoiceField, self.fields["point_of_contact"]).queryset = family_workers(
            school
        )
        self.fields[
            "first_response_at"
        ].help_text = "When someone first spoke or wrote to the parent personally about it."

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError("The complaint cannot have been received in the future.")
        return received_at

    def clean_raised_by_name(self):
        return self.cleaned_data["raised_by_name"].strip()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        family = cleaned.get("family")
        raised_by = cleaned.get("raised_by")
        if raised_by and family and raised_by.family_id != family.pk:
            self.add_error("raised_by", "This parent or carer is not part of the chosen family.")
        if not raised_by and not cleaned.get("raised_by_name") and "raised_by" not in self.errors:
            self.add_error(
                "raised_by", "Say who raised it: choose a parent or carer, or type a name."
            )
        self._check_response_dates(cleaned, cleaned.get("received_at"))
        status = cleaned.get("status")
        if status in (Complaint.Status.RESPONDED, Complaint.Status.RESOLVED) and not cleaned.get(
            "first_response_at"
        ):
            self.add_error(
                "first_response_at",
                "Enter when the first personal response was before marking it responded or "
                "resolved.",
            )
        if status == Complaint.Status.RESOLVED and not (cleaned.get("outcome") or "").strip():
            self.add_error("outcome", "Record the outcome before marking the complaint resolved.")
        what_changed = (cleaned.get("what_changed") or "").strip()
        if cleaned.get("what_changed_shareable") and not what_changed:
            self.add_error("what_changed", "Say what was changed before sharing it back.")
        shared_on = cleaned.get("what_changed_shared_on")
        if shared_on:
            self._check_not_future("what_changed_shared_on", shared_on)
            if not cleaned.get("what_changed_shareable"):
                self.add_error(
                    "what_changed_shareable",
                    "Tick this first: it can only have been shared if it may be shared.",
                )
            received_at = cleaned.get("received_at")
            if received_at and shared_on < timezone.localtime(received_at).date():
                self.add_error(
                    "what_changed_shared_on",
                    "This cannot be before the complaint was received.",
                )
        return cleaned

    def save(self, commit=True):
        self.instance.school = self.school
        return super().save(commit=commit)


class ComplaintReplyForm(_ComplaintChecks, conflicts.VersionedForm, BoundedModelForm):
    """The point of contact records their first response and personal reply."""

    class Meta:
        model = Complaint
        fields = ["first_response_at", "reply", "replied_on", "apology_given", "apology"]
        labels = {
            "first_response_at": "First personal response",
            "replied_on": "Date of the personal reply",
            "apology_given": "An apology was given",
        }
        widgets = {
            "reply": forms.Textarea(attrs={"rows": 6}),
            "apology": forms.Textarea(attrs={"rows": 2}),
            "first_response_at": DATETIME_WIDGET,
            "replied_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].required = True
        self.fields["replied_on"].required = True
        self.fields["first_response_at"].required = True
        self.fields["first_response_at"].help_text = (
            "When you first spoke or wrote to the parent personally about it (this reply, "
            "if nothing came before)."
        )
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("replied_on", now.date())
            if self.instance.first_response_at is None:
                self.initial["first_response_at"] = now.replace(second=0, microsecond=0)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self._check_response_dates(cleaned, self.instance.received_at)
        return cleaned
