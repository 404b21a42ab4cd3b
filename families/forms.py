"""Forms of the families app: logging a contact, searching by name, naming a key contact."""

from __future__ import annotations

from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from families import school_day
from families.labels import child_label
from families.models import Contact, Family, ParentCarer, SchoolFamily, adults_linked_to
from families.services import CONTACT_FIELDS
from guidance import hints
from portal.compiled import IDS, Compiled
from portal.lib import conflicts, festivals
from portal.lib.limits import BoundedModelForm, IdMultipleChoiceField
from portal.lib.staff import StaffChoiceField, StaffMultipleChoiceField, offer_family_workers
from portal.lib.widgets import date_input, datetime_input


class ParentChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        label = obj.full_name
        if obj.is_restricted:
            # Their household is left out: which home they live in can be what the order
            # withholds.
            return f"{label} — restriction recorded, check before sharing: “{obj.restriction_text}”"
        if obj.household:
            label += f" ({obj.household})"
        return label


class ChildChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return child_label(obj)


# The parents a sent contact form ticks, read once per process and number ticked.
_parents_named = Compiled(
    lambda family_id, ids: ParentCarer.objects.filter(family_id=family_id, pk__in=ids).order_by(
        "first_name"
    ),
    family_id=int,
    ids=IDS,
)


class ContactForm(BoundedModelForm):
    """One short form for a call, chat, note home or visit; defaults make it quick."""

    class Meta:
        model = Contact
        # The service's fields plus who was involved; the layout below sets the order.
        fields = ["staff", "parents", "children", "named_staff", *CONTACT_FIELDS]
        field_classes = {
            "staff": StaffChoiceField,
            "follow_up_owner": StaffChoiceField,
            "named_staff": StaffMultipleChoiceField,
            "parents": ParentChoiceField,
            "children": ChildChoiceField,
        }
        widgets = {
            "occurred_at": datetime_input(),
            "follow_up_on": date_input(),
            "parents": forms.CheckboxSelectMultiple,
            "children": forms.CheckboxSelectMultiple,
            "named_staff": forms.CheckboxSelectMultiple,
            "tone": forms.RadioSelect,
            "initiated_by": forms.RadioSelect,
            "formality": forms.RadioSelect,
            # Everything else has a sensible default: start typing what was said.
            "summary": forms.Textarea(attrs={"rows": 3, "autofocus": True}),
            "agreed": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "parents": "With",
            "with_child": "The conversation was with the child or young person",
            "children": "About",
            "summary": "Summary",
            "confidentiality_reason": "Why it is shared with fewer people",
            "initiated_by": "Who got in touch",
        }
        help_texts = {
            "summary": "What was said, in plain words. Record facts and agreements, "
            "not judgements.",
            "named_staff": "Only for “named staff only”: who else may read this.",
        }

    def __init__(self, *args, school, family, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.school, self.family = school, family
        self.fields["follow_up_owner"].empty_label = "The person logging it"
        offer_family_workers(
            school,
            self.fields["staff"],
            self.fields["follow_up_owner"],
            self.fields["named_staff"],
            signed_in=user,
        )
        parents = family.parents.order_by("first_name")
        if not self.is_bound:  # their links decide who is ticked at first (_set_defaults)
            parents = parents.prefetch_related("child_links")
        self.fields["parents"].queryset = parents
        # Those ticked are looked up with a kept read of the same rows (IdMultipleChoiceField).
        self.fields["parents"].kept_rows = (
            self.fields["parents"].queryset,
            lambda ids: _parents_named(family_id=family.pk, ids=ids),
        )
        self.fields["children"].queryset = (
            family.children.filter(school=school, left_on__isnull=True)
            .select_related("class_group")
            .order_by("first_name")
        )
        # No adult is needed when the conversation was with the child or young person.
        self.fields["parents"].required = False
        self.fields["with_child"].help_text = (
            "Tick if you talked with the child or young person chosen under “About”; then no "
            "parent or carer needs to be ticked under “With”."
        )
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["follow_up_owner"].help_text = "Leave as is to follow up yourself."
        if self.instance.pk is None and not self.is_bound:
            self._set_defaults(user)
        # The default is a callable (now), which would add a hidden "initial" copy of the field.
        self.fields["occurred_at"].show_hidden_initial = False
        if self.instance.pk is not None:
            # The version the editor started from: a save after someone else's is stopped.
            self.fields[conflicts.FIELD] = conflicts.version_field(self.instance)
        school_day.offer_choices(self, school)
        # A gentle hint beside the summary and agreement when a phrase labels or blames.
        hints.attach(self, "summary", "agreed")

    @cached_property
    def helper(self) -> FormHelper:
        """How the form is drawn: built when drawn, not for a form that is only checked."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(
                "What happened",
                "occurred_at",
                "staff",
                "parents",
                "children",
                "with_child",
                "channel",
                "initiated_by",
                "tone",
                "purpose",
                "summary",
                "agreed",
            ),
            *school_day.layout(self),
            Fieldset("Kind of contact", "formality", "level"),
            Fieldset("Follow-up", "follow_up_on", "follow_up_owner"),
            Fieldset(
                "Who may see this",
                "confidentiality",
                "confidentiality_reason",
                "named_staff",
                "consent",
            ),
        )
        if conflicts.FIELD in self.fields:
            helper.layout.append(conflicts.FIELD)
        return helper

    def _set_defaults(self, user):
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.initial.setdefault("occurred_at", now)
        self.initial.setdefault("staff", user.pk)
        children = list(self.fields["children"].queryset)
        # The child the entry is about (?child= on the link, or the only one here): its own
        # adults are ticked. About none in particular: the adults every child here shares.
        named = {c.pk for c in children} & set(self.initial.get("children") or [])
        about = [c for c in children if c.pk in named]
        if not about and len(children) == 1:
            about = children
        if about:
            self.initial["children"] = [c.pk for c in about]
        else:
            self.initial.pop("children", None)
        parents = [
            p
            for p in self.fields["parents"].queryset
            if not any(link.is_restricted for link in p.child_links.all())
        ]
        self.initial.setdefault(
            "parents", adults_linked_to(parents, about or children, to_every=not about)
        )

    def clean_occurred_at(self):
        when = self.cleaned_data["occurred_at"]
        if when and when > timezone.now() + timedelta(minutes=1):
            raise forms.ValidationError("A contact cannot be logged in the future.")
        return when

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise forms.ValidationError("Write a short summary of the contact.")
        return summary

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("confidentiality")
        reason = (cleaned.get("confidentiality_reason") or "").strip()
        if level and level != Contact.Confidentiality.SCHOOL and not reason:
            self.add_error(
                "confidentiality_reason",
                "Say why this contact is shared with fewer people than usual.",
            )
        if not cleaned.get("parents") and not cleaned.get("with_child"):
            self.add_error(
                "parents",
                "Choose at least one parent or carer the contact was with, or tick that it was "
                "with the child or young person.",
            )
        if cleaned.get("with_child") and not cleaned.get("children"):
            self.add_error(
                "children", "Choose which child or young person the conversation was with."
            )
        return cleaned

    def _post_clean(self):
        # The service validates the whole contact (with its people) before saving; the
        # ModelForm's own instance validation would run a second, partial copy of it.
        pass

    def service_kwargs(self) -> dict:
        """The cleaned values, shaped for families.services.contact_log / contact_edit."""
        data = dict(self.cleaned_data)
        data.pop(conflicts.FIELD, None)
        return {
            "staff": data.pop("staff"),
            "parents": data.pop("parents"),
            "children": data.pop("children"),
            "named_staff": data.pop("named_staff"),
            **data,
        }


class FamilySearchForm(forms.Form):
    """Name search, sent by POST so that pupils' and parents' names never appear in URLs."""

    q = forms.CharField(
        label="Child's or parent's name", max_length=100, required=False, strip=True
    )


class KeyContactForm(BoundedModelForm):
    class Meta:
        model = SchoolFamily
        fields = ["key_contact"]
        field_classes = {"key_contact": StaffChoiceField}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_contact"].empty_label = "Nobody yet"
        offer_family_workers(school, self.fields["key_contact"])

    def _post_clean(self):
        # families.services.key_contact_set validates and saves.
        pass


def _festival_label(key: str, label: str, today) -> str:
    """ "Diwali (next: 28 October 2027)"; a festival of several days gives its first and last."""
    span = festivals.next_dates(key, today)
    if span is None:
        return label
    first, last = span
    when = f"{first:%-d %B %Y}" if first == last else f"{first:%-d %B} to {last:%-d %B %Y}"
    return f"{label} (next: {when})"


class ParentPreferencesForm(conflicts.VersionedForm, BoundedModelForm):
    """How to reach a parent or carer: what works for them, and what gets in the way."""

    class Meta:
        model = ParentCarer
        fields = [
            "preferred_channel",
            "phone",
            "email",
            "language",
            "interpreter_needed",
            "reading",
            "good_times",
            "good_places",
            "work_pattern",
            "transport_needs",
            "mobility_needs",
            "dates_to_avoid",
            "avoid_festivals",
            "no_contact_before",
            "no_contact_after",
            "postal_address",
            "household",
        ]
        widgets = {
            "no_contact_before": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "no_contact_after": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "postal_address": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "preferred_channel": "Most parents would rather talk than get a letter: ask them.",
            "reading": "Offer a phone call or a spoken version where reading is hard.",
        }

    avoid_festivals = forms.MultipleChoiceField(
        label="Festivals to avoid",
        choices=festivals.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Days they would rather nothing was planned on. Planning a meeting on one "
        "gives a warning.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each festival with when it next falls, so no one needs to look it up.
        today = timezone.localdate()
        self.fields["avoid_festivals"].choices = [
            (key, _festival_label(key, label, today)) for key, label in festivals.CHOICES
        ]

    def clean_avoid_festivals(self):
        chosen = set(self.cleaned_data["avoid_festivals"])
        return [key for key, _ in festivals.CHOICES if key in chosen]

    def clean_language(self):
        language = self.cleaned_data["language"].strip()
        if not language:
            raise forms.ValidationError("Say which language they are most comfortable in.")
        return language


class StrengthsForm(conflicts.VersionedForm, BoundedModelForm):
    """What goes well for the family, and what is different on the good days."""

    class Meta:
        model = Family
        fields = ["strengths", "exceptions"]
        widgets = {
            "strengths": forms.Textarea(attrs={"rows": 4}),
            "exceptions": forms.Textarea(attrs={"rows": 4}),
        }
