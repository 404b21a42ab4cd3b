"""Home–school notes: a parent's note (in their language), a member of staff's answer, and
keeping a note to fewer people."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from families.models import Contact
from family_voice.notes import MAX_WORDS
from portal.lib.limits import IdChoiceField


def _normalised(words: str) -> str:
    return (words or "").replace("\r\n", "\n").replace("\r", "\n").strip()


class NoteForm(forms.Form):
    """A parent's note to the school."""

    words = forms.CharField(
        label=_("Your note"),
        # Checked in clean_words, after line breaks are counted as one character each.
        max_length=MAX_WORDS * 2,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_WORDS}),
        error_messages={
            "required": _("Please write your note first."),
            "max_length": _("Please make your note shorter. It can be up to 2000 letters."),
        },
    )

    def clean_words(self) -> str:
        words = _normalised(self.cleaned_data["words"])
        if not words:
            raise forms.ValidationError(_("Please write your note first."))
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(
                _(
                    "Please make your note shorter. It can be up to %(most)s letters, "
                    "and it has %(has)s."
                )
                % {"most": MAX_WORDS, "has": len(words)}
            )
        return words


class ParentChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class NoteReplyForm(forms.Form):
    """A member of staff's answer to one parent or carer."""

    parent = ParentChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the parent or carer to answer.",
            "invalid_choice": "Only a parent or carer of this family who has written can be "
            "answered here.",
        },
    )
    words = forms.CharField(
        label="Your answer",
        max_length=MAX_WORDS * 2,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="They see it, with your name, the next time they open a link that shows "
        "their notes. Nothing is sent to them: tell them by phone or text if it cannot wait.",
        error_messages={
            "required": "Write your answer first.",
            "max_length": f"Please keep an answer to {MAX_WORDS} characters.",
        },
    )

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        cast(ParentChoiceField, self.fields["parent"]).queryset = parents
        # The browser counts a line break as one character; the form, as sent, as two.
        self.fields["words"].widget.attrs["maxlength"] = str(MAX_WORDS)

    def clean_words(self) -> str:
        words = _normalised(self.cleaned_data["words"])
        if not words:
            raise forms.ValidationError("Write your answer first.")
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(
                f"Please keep an answer to {MAX_WORDS} characters (it has {len(words)})."
            )
        return words


class NoteConfidentialForm(forms.Form):
    """Keep a note that raises a worry to fewer people."""

    level = forms.ChoiceField(
        label="Who may see it",
        choices=[
            (level, Contact.Confidentiality(level).label)
            for level in (Contact.Confidentiality.PASTORAL, Contact.Confidentiality.NAMED)
        ],
        widget=forms.RadioSelect,
        initial=Contact.Confidentiality.PASTORAL,
        help_text="Named staff only: you and the member of staff it was written to.",
        error_messages={"required": "Choose who may see it."},
    )
    reason = forms.CharField(
        label="Why",
        max_length=Contact._meta.get_field("confidentiality_reason").max_length,
        error_messages={"required": "Say why this note is kept to fewer people."},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Say why this note is kept to fewer people.")
        return reason
