"""The languages we offer parents (settings.LANGUAGES, catalogues in locale/) and which one a
language recorded by the school picks: "Polish", "polski" or "pl" alike. Staff pages stay in
English; the parent's pages (family_voice) and what is printed or sent for one parent (the
meeting letter, the summary made for them) use it."""

from __future__ import annotations

import unicodedata

from django.conf import settings

ENGLISH = "en-gb"

# What a school may have typed as a parent's language, in English or in the language itself,
# folded to plain lower case (accents dropped), and the catalogue it picks.
_NAMES = {
    "english": ENGLISH,
    "polish": "pl",
    "polski": "pl",
    "arabic": "ar",
    "العربية": "ar",
    "urdu": "ur",
    "اردو": "ur",
    "romanian": "ro",
    "romana": "ro",
    "ukrainian": "uk",
    "українська": "uk",
    "gaelic": "gd",
    "scottish gaelic": "gd",
    "gaidhlig": "gd",
    "welsh": "cy",
    "cymraeg": "cy",
}


def codes() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def choices() -> list[tuple[str, str]]:
    """(code, the language's own name), for the switcher."""
    return list(settings.LANGUAGES)


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def code_for(recorded: str) -> str | None:
    """The catalogue for a language as the school recorded it ("Polish", "polski", "pl"), or
    None when we have no catalogue for it."""
    folded = _fold(recorded)
    if not folded:
        return None
    if folded in codes():
        return folded
    return _NAMES.get(folded) or _NAMES.get(unicodedata.normalize("NFC", recorded.strip().lower()))


def has_catalogue(recorded: str) -> bool:
    return code_for(recorded) is not None
