"""The language of the parent's pages: the one the parent chose on a page (a cookie), else the
one the school records for them, else English. Staff pages stay in English; only the views
wrapped here are translated, and only while they run."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.http import HttpRequest

from families.models import ParentCarer

COOKIE = "pclang"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
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


def chosen(request: HttpRequest) -> str | None:
    """The language picked on a parent's page on this phone, if any."""
    picked = request.COOKIES.get(COOKIE, "")
    return picked if picked in codes() else None


def for_parent(request: HttpRequest, parent: ParentCarer) -> str:
    return chosen(request) or code_for(parent.language or "") or ENGLISH
