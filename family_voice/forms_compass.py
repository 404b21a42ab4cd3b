"""A parent's own compass: three short questions, each answered on four steps in plain words,
and a sentence if they wish."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from family_voice.parent_compass import QUESTIONS


class ParentCompassForm(forms.Form):
    words = forms.CharField(
        label=_("Is there anything you want to add?"),
        help_text=_("Only if you want to. One or two sentences."),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        error_messages={"max_length": _("Please keep this shorter: 300 letters at most.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answers = {}
        # Worded when the form is made, in the language of the parent's page that makes it.
        for question in QUESTIONS:
            answers[question.field] = forms.TypedChoiceField(
                label=str(question.ask),
                choices=[(step, str(words)) for step, words in enumerate(question.answers, 1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one answer."),
                    "invalid_choice": _("Choose one of the answers in the list."),
                },
            )
        # The questions first, in the compass's order; the sentence last.
        self.fields = {**answers, "words": self.fields["words"]}

    def questions(self):
        """The bound fields of the three questions, in order."""
        return [self[question.field] for question in QUESTIONS]
