"""Forms with which staff keep a family's shape up to date (views in families/views/upkeep.py)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from families.forms import ChildChoiceField
from families.models import Child, ChildParent, ParentCarer
from families.staff_records import Restriction
from portal.lib import conflicts
from portal.lib.limits import BoundedModelForm, IdChoiceField, IdMultipleChoiceField
from portal.lib.widgets import date_input
from portal.models import ClassGroup


class LinkChoiceField(IdMultipleChoiceField):
    """A parent or carer's links, named by the child."""

    def label_from_instance(self, obj):
        return obj.child.full_name


class AdultChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


def _relationship_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Who they are to the child",
        choices=ChildParent.Relationship.choices,
        help_text="A grandparent or other relative who looks after the child is a kinship carer.",
    )


class ParentAddForm(BoundedModelForm):
    """A parent or carer new to the portal, and who they are to which children."""

    children = ChildChoiceField(
        queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Parent or carer of",
        error_messages={"required": "Tick at least one child this person is a parent or carer of."},
    )
    relationship = _relationship_field()
    parental_responsibility = forms.BooleanField(
        required=False, initial=True, label="Has parental responsibility"
    )
    lives_with_child = forms.BooleanField(
        required=False, initial=True, label="The child lives with them"
    )

    class Meta:
        model = ParentCarer
        fields = ["first_name", "last_name", "household", "phone", "email", "language"]
        labels = {"last_name": "Last name (or the service's name)"}

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        self.fields["last_name"].error_messages["required"] = "Enter their last name."
        self.fields["language"].initial = "English"

    def parent_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class LinkForm(conflicts.VersionedForm, BoundedModelForm):
    """Who a parent or carer is to one child, and which home they live in."""

    household = forms.CharField(
        required=False,
        max_length=100,
        label="Which home they live in",
        help_text=ParentCarer._meta.get_field("household").help_text,
    )

    class Meta:
        model = ChildParent
        fields = ["relationship", "parental_responsibility", "lives_with_child"]
        labels = {
            "relationship": "Who they are to the child",
            "parental_responsibility": "Has parental responsibility",
            "lives_with_child": "The child lives with them",
        }
        help_texts = {
            "relationship": "A grandparent or other relative who looks after the child is a "
            "kinship carer."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].initial = self.instance.parent.household
        self.fields["lives_with_child"].label = f"{self.instance.child.first_name} lives with them"

    def link_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ChildAddForm(BoundedModelForm):
    """A brother or sister at this school, and which of the family's adults are theirs."""

    parents = AdultChoiceField(
        queryset=ParentCarer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Their parents and carers",
    )

    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "class_group",
            "year_group",
            "starts_on",
            "coming_from",
        ]
        field_classes = {"class_group": IdChoiceField}
        widgets = {"date_of_birth": date_input(), "starts_on": date_input()}
        labels = {
            "class_group": "Class",
            "year_group": "Year group",
            "starts_on": "Starting later? Their first day here",
            "coming_from": "Where they are until then",
        }
        help_texts = {
            "year_group": "e.g. P1 or S2; taken from the class if left empty.",
            "starts_on": "Leave empty if they are at the school already. Until this day they "
            "count in no school roll figure.",
            "coming_from": "The nursery or school, by name, e.g. “Rowan Tree Nursery”.",
        }

    def __init__(self, *args, school, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_group"].queryset = ClassGroup.objects.filter(school=school).order_by(
            "name"
        )
        self.fields["parents"].queryset = adults
        # Optional in the model only so an import may leave it for the school to complete.
        self.fields["date_of_birth"].required = True
        self.fields["parents"].help_text = (
            "Each adult ticked is linked as they are to the family's other children; change "
            "any of them afterwards on the family page."
        )
        for name, words in (
            ("first_name", "Enter their first name."),
            ("last_name", "Enter their last name."),
            ("date_of_birth", "Enter their date of birth."),
        ):
            self.fields[name].error_messages["required"] = words

    def clean(self):
        cleaned = super().clean()
        class_group = cleaned.get("class_group")
        if class_group and not cleaned.get("year_group"):
            cleaned["year_group"] = class_group.year_group
        starts_on = cleaned.get("starts_on")
        if starts_on is not None and starts_on <= timezone.localdate():
            self.add_error(
                "starts_on",
                "Enter a date still to come, or leave it empty for a child already here.",
            )
        if cleaned.get("coming_from") and starts_on is None and "starts_on" not in self.errors:
            self.add_error(
                "starts_on", "Enter their first day here, or leave “Where they are” empty."
            )
        return cleaned

    def child_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RestrictionForm(BoundedModelForm):
    """A restriction on a parent or carer: its words, where it comes from and its date."""

    links = LinkChoiceField(
        queryset=ChildParent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="It applies to",
        error_messages={"required": "Tick at least one child the restriction applies to."},
    )

    class Meta:
        model = Restriction
        fields = ["source", "source_detail", "dated", "words"]
        widgets = {"dated": date_input(), "words": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["links"].queryset = links
        self.fields["links"].initial = list(links)
        self.fields["source"].required = True
        self.fields["source"].error_messages["required"] = "Say where the restriction comes from."
        self.fields["dated"].required = True
        self.fields["dated"].error_messages["required"] = "Enter the date of the order or decision."
        self.fields["words"].error_messages["required"] = (
            "Say what the restriction allows and does not allow."
        )

    def clean_dated(self):
        dated = self.cleaned_data["dated"]
        if dated and dated > timezone.localdate():
            raise forms.ValidationError(
                "The date of the order or decision cannot be in the future."
            )
        return dated


class RestrictionLiftForm(forms.Form):
    """Lifting a restriction: from when, why (who lifts it is the user)."""

    links = LinkChoiceField(
        queryset=ChildParent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Lift it for",
        error_messages={"required": "Tick at least one child to lift the restriction for."},
    )
    lifted_on = forms.DateField(
        label="Lifted from",
        widget=date_input(),
        error_messages={"required": "Enter the date the restriction ends."},
    )
    reason = forms.CharField(
        label="Why it is lifted",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. “Court order ended 3 March (letter from the Sheriff Court on file)”.",
        error_messages={"required": "Say why the restriction is lifted."},
    )

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["links"].queryset = links
        self.fields["links"].initial = list(links)
        self.fields["lifted_on"].initial = timezone.localdate()

    def clean_lifted_on(self):
        lifted_on = self.cleaned_data["lifted_on"]
        if lifted_on > timezone.localdate():
            raise forms.ValidationError(
                "A restriction is lifted once it has ended: the date cannot be in the future."
            )
        return lifted_on
