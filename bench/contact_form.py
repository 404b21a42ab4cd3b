"""What the contact form sends for an ordinary good-news call: one helper for the benchmark,
the load test and the tests that log a contact through the form (Django must be set up)."""

from __future__ import annotations

from django.utils import timezone

GOOD_NEWS = "Rang mum to say Robin helped a new classmate settle in."


def good_news_call(*, parents: list[int], staff=None, children=(), **overrides) -> dict:
    """A phone call the school made with good news, shared with everyone at the school who
    works with the family, now; `staff` (an id) is who logged it when the form asks."""
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "parents": list(parents),
        "channel": "phone",
        "initiated_by": "school",
        "tone": "positive",
        "formality": "informal",
        "level": "general",
        "purpose": "good_news",
        "summary": GOOD_NEWS,
        "confidentiality": "school",
    }
    if staff is not None:
        data["staff"] = staff
    if children:
        data["children"] = list(children)
    data.update(overrides)
    return data
