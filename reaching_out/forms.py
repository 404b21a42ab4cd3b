"""The forms of messages to parents and carers: what to write and to whom, the good news for a
class, and the outbox's small actions."""

from __future__ import annotations

from typing import cast

from django import forms

from portal.lib.limits import IdChoiceField, IdMultipleChoiceField
from reaching_out.models import PARENT_KINDS, Channel, Kind

WORDS_MAX = 1500
NEWS_MAX = 500

KIND_HELP = {
    Kind.GOOD_NEWS: "Something that went well: say what, in a sentence or two.",
    Kind.INVITATION: "The meeting's time and place, and their own link to say what they hope for.",
    Kind.SUMMARY: "Their own link to read the summary made for them.",
    Kind.STEP_REMINDER: "A friendly reminder of a step they agreed to take.",
    Kind.HEAR_FROM_YOU: "Their own link to tell the school how things are for them.",
    Kind.FREE: "Your own words, in the school's wrapping.",
}


class ParentsField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ChildrenField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.first_name} {obj.last_name}"


class MeetingField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()}, {obj.starts_at:%-d %b %Y %H:%M}"


class StepField(IdChoiceField):
    def label_from_instance(self, obj):
        due = f" (by {obj.due_on:%-d %b})" if obj.due_on else ""
        return f"{obj.what}{due}"


class WriteForm(forms.Form):
    """What to send, about which child, to which adults (one message each)."""

    kind = forms.ChoiceField(
        label="What kind of message",
        choices=[(k.value, k.label) for k in PARENT_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of message this is."},
    )
    children = ChildrenField(
        queryset=None,
        label="About",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Each adult's message names only the children they are a parent or carer of.",
    )
    parents = ParentsField(
        queryset=None,
        label="To",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one parent or carer."},
        help_text="Each person gets their own message, the way that works for them.",
    )
    words = forms.CharField(
        label="Your words",
        required=False,
        max_length=WORDS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For good news, the news itself; for your own message, what you want to say. "
        "Nothing from a confidential record goes in unless you write it here.",
    )
    meeting = MeetingField(queryset=None, label="Which meeting", required=False)
    step = StepField(queryset=None, label="Which step", required=False)
    must_send = forms.BooleanField(
        label="The school must send this, even to someone who asked for no more e-mails or texts",
        required=False,
    )
    must_send_reason = forms.CharField(
        label="Why it must be sent",
        required=False,
        max_length=300,
        help_text="Kept with the message and shown to anyone who reads it.",
    )

    def __init__(self, *args, parents, children, meetings, steps, **kwargs):
        super().__init__(*args, **kwargs)
        cast(ParentsField, self.fields["parents"]).queryset = parents
        cast(ChildrenField, self.fields["children"]).queryset = children
        cast(MeetingField, self.fields["meeting"]).queryset = meetings
        cast(StepField, self.fields["step"]).queryset = steps

    def clean(self):
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind in (Kind.GOOD_NEWS, Kind.FREE) and not cleaned.get("words", "").strip():
            self.add_error(
                "words",
                "Write the good news itself." if kind == Kind.GOOD_NEWS else "Write your message.",
            )
        if kind == Kind.GOOD_NEWS and not cleaned.get("children"):
            self.add_error("children", "Choose the child the good news is about.")
        if kind in (Kind.INVITATION, Kind.SUMMARY) and not cleaned.get("meeting"):
            self.add_error("meeting", "Choose the meeting.")
        if kind == Kind.STEP_REMINDER and not cleaned.get("step"):
            self.add_error("step", "Choose the step to remind them of.")
        if cleaned.get("must_send") and not cleaned.get("must_send_reason", "").strip():
            self.add_error("must_send_reason", "Say why the school must send it.")
        return cleaned


class DraftForm(forms.Form):
    """One adult's message in the preview: the way it goes, and the words as the sender left
    them (their edits are what is sent, and kept)."""

    channel = forms.ChoiceField(label="How", choices=Channel.choices)
    subject = forms.CharField(label="Subject", max_length=150)
    body = forms.CharField(
        label="Message", max_length=6000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, open_channels, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["channel"]).choices = [
            (c, Channel(c).label) for c in open_channels
        ]


class GoodNewsRowForm(forms.Form):
    child = forms.IntegerField(widget=forms.HiddenInput)
    send = forms.BooleanField(required=False, label="Send")
    news = forms.CharField(
        label="Their news",
        required=False,
        max_length=NEWS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("send") and not cleaned.get("news", "").strip():
            self.add_error("news", "Write this child's own news, or untick them.")
        return cleaned


class AnotherWayForm(forms.Form):
    channel = forms.ChoiceField(label="Send it again as", choices=Channel.choices)


class CallMadeForm(forms.Form):
    note = forms.CharField(
        label="How the call went (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RestartForm(forms.Form):
    reason = forms.CharField(
        label="When and how the parent asked to start again",
        max_length=300,
        error_messages={"required": "Say when and how the parent asked to start again."},
    )


class OutboxFilter(forms.Form):
    state = forms.ChoiceField(required=False, label="State")
    channel = forms.ChoiceField(required=False, label="How")
    kind = forms.ChoiceField(required=False, label="Kind")
    mine = forms.BooleanField(required=False, label="Only mine")

    def __init__(self, *args, **kwargs):
        from reaching_out.models import Message

        super().__init__(*args, **kwargs)
        for name, choices in (
            ("state", Message.State.choices),
            ("channel", Channel.choices),
            ("kind", Kind.choices),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = [("", "Any"), *choices]
