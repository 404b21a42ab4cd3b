"""A parent's views before a meeting: every answer optional, but not none at all."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from family_voice.forms import parent_text
from family_voice.models import ParentViews


class ViewsForm(forms.Form):
    best_hopes = parent_text(
        _("What do you hope will come from the meeting?"),
        max_length=1000,
        help_text=_("For example: calmer mornings, or a plan we all agree on."),
        rows=4,
    )
    going_well = parent_text(
        _("What is going well?"),
        max_length=1000,
        help_text=_("At home or at school. Small things count too."),
        rows=4,
    )
    to_talk_about = parent_text(_("What would you like to talk about?"), max_length=1000, rows=4)
    time_suits = forms.ChoiceField(
        label=_("Does the time suit you?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (ParentViews.TimeSuits.YES, _("Yes, the time suits me")),
            (ParentViews.TimeSuits.NO, _("No, I need another time")),
        ],
        error_messages={"invalid_choice": _("Please choose yes or no.")},
    )
    other_times = parent_text(
        _("If not, which days and times would suit you?"),
        max_length=300,
        help_text=_("For example: after 3pm on weekdays."),
    )
    interpreter = forms.BooleanField(label=_("I would like an interpreter"), required=False)
    interpreter_language = parent_text(_("Which language?"), max_length=60)
    supporter = forms.BooleanField(
        label=_("I would like to bring someone with me for support"), required=False
    )
    supporter_who = parent_text(
        _("Who will you bring?"),
        max_length=200,
        help_text=_("For example: a friend, someone in your family, or a support worker."),
    )
    take_part = forms.ChoiceField(
        label=_("How would you like to take part?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (ParentViews.Way.IN_PERSON, _("In person")),
            (ParentViews.Way.PHONE, _("By phone")),
            (ParentViews.Way.VIDEO, _("By video call")),
        ],
        error_messages={"invalid_choice": _("Please choose one of the ways.")},
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        if cleaned.get("time_suits") == ParentViews.TimeSuits.NO and not cleaned.get("other_times"):
            self.add_error(
                "other_times",
                _("Please tell us which days or times would suit you, so we can find a new time."),
            )
        if cleaned.get("interpreter") and not cleaned.get("interpreter_language"):
            self.add_error(
                "interpreter_language", _("Please tell us which language you would like.")
            )
        # The interpreter's language is filled in from the recorded one: by itself it says
        # nothing.
        said = [
            name
            for name in ParentViews.ANSWERS
            if name != "interpreter_language" and cleaned.get(name)
        ]
        if not said and not self.errors:
            raise forms.ValidationError(
                _(
                    "You have not told us anything yet. Answer as many or as few questions as "
                    "you like, then press Send."
                ),
                code="empty",
            )
        return cleaned

    @classmethod
    def initial_for(cls, views: ParentViews | None, *, recorded_language: str) -> dict:
        """What the form starts with: the parent's saved answers, or, for a first answer, the
        language the school records for them (unless it is English)."""
        language = recorded_language.strip()
        if language.lower() in ("english", "en", "en-gb"):
            language = ""
        if views is None:
            return {"interpreter_language": language}
        initial = {name: getattr(views, name) for name in cls.base_fields}
        initial["interpreter_language"] = views.interpreter_language or language
        return initial
