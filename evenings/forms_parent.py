"""The parent's booking form for a parents' evening, behind their own link: a time, which of
their children it is about, how to meet, and a few optional words. Every choice is checked
again by evenings.services (a time just taken, a clash, a way not offered)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from evenings.models import Slot, Way
from family_voice.forms import parent_text
from portal.lib.limits import IdChoiceField

WAY_WORDS = {
    Way.IN_PERSON: _("In person"),
    Way.PHONE: _("By phone"),
    Way.VIDEO: _("By video call"),
}


class _SlotField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.pk


def _slot_field(evening) -> _SlotField:
    # Any time of the evening: one just taken is refused by the service, in words, with the
    # nearest free times, rather than as "not one of the choices".
    return _SlotField(
        queryset=Slot.objects.filter(evening=evening).select_related("sitting"),
        error_messages={
            "required": _("Please choose a time."),
            "invalid_choice": _("Please choose a time."),
        },
    )


class MoveForm(forms.Form):
    """Another time for an appointment they hold (the rest of it stays as it was)."""

    def __init__(self, *args, evening, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"] = _slot_field(evening)


class BookForm(forms.Form):
    """A new appointment. `children` are (id, first name) of the parent's own children this
    member of staff sees; `others` are (id, first name) of another adult who may come too."""

    children = forms.TypedMultipleChoiceField(
        label=_("Who is it about?"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Please choose your child."),
            "invalid_choice": _("Please choose your child."),
        },
    )
    way = forms.ChoiceField(
        label=_("How would you like to meet?"),
        widget=forms.RadioSelect,
        choices=list(WAY_WORDS.items()),
        error_messages={
            "required": _("Please choose one of the ways."),
            "invalid_choice": _("Please choose one of the ways."),
        },
    )
    interpreter = parent_text(
        _("Would you like an interpreter? Which language?"),
        max_length=60,
        help_text=_("Leave it empty if you do not need one."),
    )
    supporter = parent_text(
        _("Will you bring someone for support? Who?"),
        max_length=200,
        help_text=_("For example: a friend, someone in your family, or a support worker."),
    )
    note = parent_text(
        _("Is there anything you want to add?"),
        max_length=300,
        help_text=_("Only if you want to. One or two sentences."),
        rows=3,
    )
    together = forms.TypedChoiceField(
        label=_("Who is coming?"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one answer.")},
    )

    def __init__(self, *args, evening, children, others, ways, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"] = _slot_field(evening)
        cast(forms.ChoiceField, self.fields["children"]).choices = list(children)
        cast(forms.ChoiceField, self.fields["way"]).choices = [
            (w, WAY_WORDS[w]) for w in ways
        ] or list(WAY_WORDS.items())
        together = cast(forms.ChoiceField, self.fields["together"])
        together.choices = [("", _("Just me"))] + [
            (pk, _("Me and %(name)s") % {"name": name}) for pk, name in others
        ]
        if not others:
            together.widget = forms.HiddenInput()
