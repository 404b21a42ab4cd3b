"""A parent's own contact preferences, as they change them through their link (their words,
their language); and the reason a member of staff gives for not taking a change on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from families.models import ParentCarer
from family_voice.preferences import PARENT_FIELDS

Channel = ParentCarer.Channel
Reading = ParentCarer.Reading

# The school's choices in the parent's words (the school's own labels are for staff).
CHANNEL_WORDS = {
    Channel.PHONE: _("A phone call"),
    Channel.TEXT: _("A text message"),
    Channel.EMAIL: _("An email"),
    Channel.FACE_TO_FACE: _("Talking face to face"),
    Channel.LETTER: _("A letter"),
    Channel.HOME_VISIT: _("A visit at home"),
}
READING_WORDS = {
    Reading.CONFIDENT: _("No, letters are fine for me"),
    Reading.SPOKEN: _("Please phone me or talk to me instead of writing"),
    Reading.SUPPORT: _("Please read letters with me, or explain them"),
}
PHONE_CHARACTERS = frozenset("0123456789+()- ")
TOO_LONG = {"max_length": _("Please use fewer words here.")}


def _text(max_length: int, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"maxlength": max_length, **attrs})


class PreferencesForm(forms.Form):
    """How and when to reach this parent, their language, and what makes contact hard. Every
    field is theirs alone: nothing about another adult or a child."""

    preferred_channel = forms.ChoiceField(
        label=_("How would you like us to get in touch?"),
        choices=list(CHANNEL_WORDS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how we should get in touch."),
            "invalid_choice": _("Choose one of the ways in the list."),
        },
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        required=False,
        max_length=40,
        widget=_text(40, inputmode="tel", autocomplete="tel"),
        error_messages={"max_length": _("A phone number is at most 40 numbers long.")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the code that checks it is you to this address."),
        required=False,
        max_length=254,
        widget=_text(254, inputmode="email", autocomplete="email"),
        error_messages={
            "invalid": _("Write the email address like this: name@example.com"),
            "max_length": _("This email address is too long."),
        },
    )
    good_times = forms.CharField(
        label=_("When is a good time to reach you?"),
        help_text=_("For example: weekdays after 3pm."),
        required=False,
        max_length=200,
        widget=_text(200),
        error_messages=TOO_LONG,
    )
    language = forms.CharField(
        label=_("Which language would you like us to use?"),
        help_text=_("For example: English, Polish or Arabic."),
        max_length=60,
        widget=_text(60),
        error_messages={"required": _("Tell us which language suits you."), **TOO_LONG},
    )
    interpreter_needed = forms.BooleanField(
        label=_("I would like an interpreter when we meet or talk."),
        required=False,
    )
    reading = forms.ChoiceField(
        label=_("Would you like us to read letters with you or phone instead of writing?"),
        choices=list(READING_WORDS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one answer."),
            "invalid_choice": _("Choose one of the answers in the list."),
        },
    )
    transport_needs = forms.CharField(
        label=_("Is it hard to get to the school?"),
        help_text=_("Tell us if travel is hard, so we can help or meet somewhere else."),
        required=False,
        max_length=200,
        widget=_text(200),
        error_messages=TOO_LONG,
    )
    work_pattern = forms.CharField(
        label=_("When do you work?"),
        help_text=_("So we can find times that fit. For example: nights on Tuesdays."),
        required=False,
        max_length=200,
        widget=_text(200),
        error_messages=TOO_LONG,
    )
    dates_to_avoid = forms.CharField(
        label=_("Are there dates we should avoid?"),
        help_text=_("For example: religious festivals or family dates."),
        required=False,
        max_length=300,
        widget=_text(300),
        error_messages=TOO_LONG,
    )
    good_places = forms.CharField(
        label=_("Where would you like to meet?"),
        help_text=_("For example: at school, at home or at a community centre."),
        required=False,
        max_length=200,
        widget=_text(200),
        error_messages=TOO_LONG,
    )
    note = forms.CharField(
        label=_("Is there anything else you want to tell us?"),
        help_text=_("Only if you want to."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        error_messages={"max_length": _("Please keep this shorter: 1000 letters at most.")},
    )

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and (not set(phone) <= PHONE_CHARACTERS or not any(c.isdigit() for c in phone)):
            raise forms.ValidationError(_("Use numbers only, for example 07700 900123."))
        return phone

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def values(self) -> dict[str, str | bool]:
        """The answers to the fields the school holds, by the parent record's field names."""
        return {name: self.cleaned_data[name] for name in PARENT_FIELDS}


class DeclineForm(forms.Form):
    """Why a change a parent asked for is not taken on now (staff; kept on the change)."""

    reason = forms.CharField(
        label="Why not now",
        max_length=300,
        help_text="A short reason, kept with the change (e.g. “Phoned her: the old number is "
        "still right”).",
        error_messages={"required": "Say briefly why this change is not taken on now."},
    )
