"""Writes: the per-term tallies of hints shown and taken (counts only, never who)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from guidance.models import HintTally
from portal.lib.terms import term_containing
from portal.models import School


def _bump(*, school: School, on: dt.date, phrase: str, shown: int = 0, taken: int = 0) -> None:
    term_start = term_containing(on, school).start
    key = phrase.strip().lower()[:100]
    tally = HintTally.objects.filter(school=school, term_start=term_start, phrase=key).first()
    if tally is None:
        tally = HintTally(school=school, term_start=term_start, phrase=key)
        tally.full_clean()
        tally.save()
    HintTally.objects.filter(pk=tally.pk).update(shown=F("shown") + shown, taken=F("taken") + taken)


@transaction.atomic
def hints_shown(*, school: School, phrases: list[str], on: dt.date) -> None:
    """Count one showing of each phrase's hint (while typing)."""
    for phrase in phrases:
        _bump(school=school, on=on, phrase=phrase, shown=1)


@transaction.atomic
def hints_settled(*, school: School, hinted: set[str], found: list[str], on: dt.date) -> None:
    """At save: a phrase hinted while typing and now gone is a hint taken; a phrase still there
    that was never hinted (typed fast, or without JavaScript) is shown now, in the save note."""
    still_there = {phrase.strip().lower() for phrase in found}
    for phrase in sorted(hinted - still_there):
        _bump(school=school, on=on, phrase=phrase, taken=1)
    for phrase in sorted(still_there - hinted):
        _bump(school=school, on=on, phrase=phrase, shown=1)


@transaction.atomic
def phrase_defaults_install() -> int:
    """Add any of the authority's default phrases that are missing (as migration 0002 does, for
    tests that run after the database was flushed). Returns how many were added."""
    from guidance.defaults import PHRASES
    from guidance.models import Phrase

    added = 0
    for phrase, why, suggestion in PHRASES:
        if not Phrase.objects.filter(school=None, phrase__iexact=phrase).exists():
            row = Phrase(school=None, phrase=phrase, why=why, suggestion=suggestion)
            row.full_clean()
            row.save()
            added += 1
    return added
