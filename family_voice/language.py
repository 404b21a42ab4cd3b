"""The language of the parent's pages: the one the parent chose on a page (a cookie), else the
one the school records for them, else English. Staff pages stay in English; only the views
wrapped here are translated, and only while they run. Which recorded language picks which
catalogue is portal.lib.languages."""

from __future__ import annotations

from django.http import HttpRequest

from families.models import ParentCarer
from portal.lib.languages import ENGLISH, choices, code_for, codes, has_catalogue

__all__ = [
    "COOKIE",
    "ENGLISH",
    "chosen",
    "choices",
    "code_for",
    "codes",
    "for_parent",
    "has_catalogue",
]

COOKIE = "pclang"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def chosen(request: HttpRequest) -> str | None:
    """The language picked on a parent's page on this phone, if any."""
    picked = request.COOKIES.get(COOKIE, "")
    return picked if picked in codes() else None


def for_parent(request: HttpRequest, parent: ParentCarer) -> str:
    return chosen(request) or code_for(parent.language or "") or ENGLISH
