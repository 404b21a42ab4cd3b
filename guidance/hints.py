"""Finding labelling or blaming phrases in what staff write, and the widget wiring that shows
a gentle hint beside a field while they type (htmx) and after they save.

Matching is case-insensitive and by whole phrase: "hostile" is found in "Hostile." but not in
"hostilities"; spaces and hyphens between words are interchangeable, and curly apostrophes
count as straight ones. Each school's phrases are compiled once per request.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from guidance.models import Phrase

HINT_TRIGGER = "input changed delay:600ms"
FIELD_NAME = re.compile(r"^[\w-]{1,80}$")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True)
class Found:
    phrase: str
    why: str
    suggestion: str


@dataclass(frozen=True)
class Matcher:
    patterns: tuple[tuple[Phrase, re.Pattern], ...]

    def known(self) -> set[str]:
        """Every phrase in the list, in lower case (to trust only these from a form)."""
        return {phrase.phrase.strip().lower() for phrase, _ in self.patterns}

    def find(self, *texts: str) -> list[Found]:
        """The phrases in any of `texts`, each once, in the order of the list."""
        text = "\n".join(t for t in texts if t).translate(_APOSTROPHES)
        if not text.strip():
            return []
        return [
            Found(phrase.phrase, phrase.why, phrase.suggestion)
            for phrase, pattern in self.patterns
            if pattern.search(text)
        ]


@functools.lru_cache(maxsize=2048)  # a phrase's pattern, made once per process
def _pattern(phrase: str) -> re.Pattern:
    words = re.split(r"[\s\-]+", phrase.translate(_APOSTROPHES).strip())
    body = r"[\s\-]+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def matcher_for_school(school) -> Matcher:
    phrases = Phrase.objects.for_school(school)
    return Matcher(tuple((p, _pattern(p.phrase)) for p in phrases if p.phrase.strip()))


def matcher_for(request) -> Matcher:
    """The current school's matcher, compiled once per request."""
    cached = getattr(request, "_guidance_matcher", None)
    if cached is None:
        cached = request._guidance_matcher = matcher_for_school(request.school)
    return cached


def hinted_phrases(data) -> set[str]:
    """The phrases already hinted while typing in this form (hidden `hinted-<field>` inputs)."""
    return {
        value.strip().lower()
        for key in data
        if key.startswith("hinted-")
        for value in data.getlist(key)
        if value.strip()
    }


# A phrase's hint counts as shown once per signed-in session in this many minutes, however
# often the field is checked: the hidden `hinted-` inputs say which hints a form has had, but
# a client can leave them out, and ten identical checks must not make ten showings.
COUNT_ONCE_MINUTES = 30
_COUNTED_SESSION_KEY = "guidance_hints_counted"


def not_yet_counted(request, phrases: list[str]) -> list[str]:
    """Of `phrases`, those not counted as shown in this session within COUNT_ONCE_MINUTES;
    they are noted in the session as counted now."""
    now = timezone.now().timestamp()
    window = COUNT_ONCE_MINUTES * 60
    counted = {
        phrase: at
        for phrase, at in request.session.get(_COUNTED_SESSION_KEY, {}).items()
        if isinstance(at, int | float) and now - at < window
    }
    new = [p for p in dict.fromkeys(phrases) if p.strip().lower() not in counted]
    counted |= {p.strip().lower(): now for p in new}
    request.session[_COUNTED_SESSION_KEY] = counted
    return new


def region_id(name: str) -> str:
    return f"hint-{name}"


class HintedTextarea(forms.Textarea):
    """A textarea that asks the portal for hints as someone types (htmx, after a pause), with
    the polite live region beside it where they appear. Without JavaScript the check on save
    still runs."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        region = region_id(name)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.update(
            {
                "hx-post": reverse("guidance:hint-check"),
                "hx-trigger": HINT_TRIGGER,
                "hx-target": f"#{region}",
                "hx-swap": "innerHTML",
                "hx-vals": json.dumps({"hint_field": name}),
                "hx-sync": "this:replace",
                # Keep the help text described (Django set it) and add the hints.
                "aria-describedby": f"{widget_attrs.get('aria-describedby', '')} {region}".strip(),
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        return format_html(
            '{}<div id="{}" class="language-hint" aria-live="polite"></div>',
            textarea,
            region_id(name),
        )


def attach(form, *field_names: str) -> None:
    """Give a form's text fields the while-typing hint."""
    for name in field_names:
        old = form.fields[name].widget
        form.fields[name].widget = HintedTextarea(attrs=dict(old.attrs))


def check_on_save(request, *texts: str) -> list[Found]:
    """After a save: tally the hints taken and shown, and return the phrases still there so
    the page can mention them. Never stops the save."""
    from guidance.services import hints_settled  # services import this module's Found

    matcher = matcher_for(request)
    found = matcher.find(*texts)
    hinted = hinted_phrases(request.POST) & matcher.known()
    if hinted or found:  # (nothing to count: no transaction either)
        hints_settled(
            school=request.school,
            hinted=hinted,
            found=[f.phrase for f in found],
            on=timezone.localdate(),
        )
    return found


def save_messages(request, found: list[Found]) -> None:
    """A gentle note per phrase still in the saved text, with what might be written instead."""
    for item in found[:3]:
        messages.info(
            request,
            f"Saved as written. A thought for next time: “{item.phrase}” — {item.why} "
            f"Instead: {item.suggestion}",
        )
