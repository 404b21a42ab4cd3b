"""The "place on compass" form: three levers with their step descriptions beside the choices."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms

from compass.models import Lever, Placement
from families.models import Contact
from guidance import hints
from portal.lib.limits import BoundedModelForm
from portal.lib.staff import StaffMultipleChoiceField, family_workers

LEVER_FIELDS = {
    "communication": Lever.COMMUNICATION,
    "access": Lever.ACCESS,
    "attitude": Lever.ATTITUDE,
    "parent_communication": Lever.COMMUNICATION,
    "parent_access": Lever.ACCESS,
    "parent_attitude": Lever.ATTITUDE,
}


class PlacementForm(BoundedModelForm):
    class Meta:
        model = Placement
        fields = [
            "parents",
            "communication",
            "access",
            "attitude",
            "evidence",
            "level",
            "next_communication",
            "next_access",
            "next_attitude",
            "parent_communication",
            "parent_access",
            "parent_attitude",
            "parent_words",
            "confidentiality",
            "confidentiality_reason",
            "named_staff",
        ]
        field_classes = {"named_staff": StaffMultipleChoiceField}
        widgets = {
            "parents": forms.CheckboxSelectMultiple,
            "level": forms.RadioSelect,
            "named_staff": forms.CheckboxSelectMultiple,
        }
        labels = {"confidentiality_reason": "Why it is shared with fewer people"}
        help_texts = {"named_staff": "Only for “named staff only”: who else may read it."}

    def __init__(self, *args, family, school, steps: dict[tuple[str, int], str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_staff"].queryset = family_workers(school)
        # A form sent without a choice (an older page still open) keeps the usual level.
        self.fields["confidentiality"].required = False
        self.fields["confidentiality"].widget = forms.RadioSelect(
            choices=Contact.Confidentiality.choices
        )
        self.fields["parents"].queryset = family.parents.order_by("last_name", "first_name")
        self.fields["parents"].label = "Which parents or carers?"
        self.fields[
            "parents"
        ].help_text = "Leave all unticked if this is about the family as a whole."
        for name, lever in LEVER_FIELDS.items():
            field = self.fields[name]
            choices = [(n, f"{n} — {steps.get((lever, n), '')}".rstrip(" —")) for n in (1, 2, 3, 4)]
            required = not name.startswith("parent_")
            if not required:
                choices = [("", "Not asked"), *choices]
            self.fields[name] = forms.TypedChoiceField(
                label=field.label[:1].upper() + field.label[1:],
                choices=choices,
                coerce=int,
                empty_value=None,
                required=required,
                widget=forms.RadioSelect,
            )
        self.fields["parent_communication"].label = "Communication, as the parent sees it"
        self.fields["parent_access"].label = "Access, as the parent sees it"
        self.fields["parent_attitude"].label = "How the parent feels the school sees them"
        # The same gentle hint as a contact's summary when a phrase labels or blames.
        self.fields["evidence"].widget = forms.Textarea(attrs={"rows": 2})
        hints.attach(self, "evidence")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Where is the relationship now?",
                "parents",
                "communication",
                "access",
                "attitude",
                "evidence",
                "level",
            ),
            Fieldset(
                "What will change next (optional)",
                "next_communication",
                "next_access",
                "next_attitude",
            ),
            Fieldset(
                "The parent's own view (only if you asked them)",
                HTML(
                    '<p class="form-text">Kept apart from the staff view. Leave it empty rather '
                    "than guess.</p>"
                ),
                "parent_communication",
                "parent_access",
                "parent_attitude",
                "parent_words",
            ),
            Fieldset(
                "Who may read what is written",
                HTML(
                    '<p class="form-text">Everyone who works with the family sees where the '
                    "relationship sits; choose who may read the evidence, next steps and the "
                    "parent's words.</p>"
                ),
                "confidentiality",
                "confidentiality_reason",
                "named_staff",
            ),
            Submit("save", "Place on compass"),
        )

    def clean_evidence(self):
        evidence = " ".join(self.cleaned_data["evidence"].split())
        if not evidence:
            raise forms.ValidationError("Say in a sentence what puts the relationship here.")
        return evidence

    def clean_confidentiality(self):
        return self.cleaned_data["confidentiality"] or Contact.Confidentiality.SCHOOL
