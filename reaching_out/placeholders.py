"""The placeholders a message template may use, and the one way a template is filled in.

A template is plain text with names in braces, e.g. "Dear {parent_name}". Only the names listed
for its kind may appear: a template saved in admin with any other is refused with the name, so
a typo never reaches a parent as "{chlid_name}". Filling in never evaluates anything: no
attribute access, no format specs, no template language.
"""

from __future__ import annotations

import string

COMMON = {
    "parent_name": "the parent or carer's name, e.g. Ailsa Rowan",
    "child_name": "the child's first name (or names, for brothers and sisters)",
    "school_name": "the school's name",
    "school_phone": "the school's main phone number",
    "staff_name": "the name of the member of staff sending it",
}
BY_KIND: dict[str, dict[str, str]] = {
    "good_news": {"news": "the good news itself, in the sender's words"},
    "invitation": {
        "meeting_when": "the day and time of the meeting",
        "meeting_place": "where it is (never another adult's address or number)",
        "link": "the parent's own link to give their views before it",
    },
    "summary": {
        "meeting_when": "the day and time of the meeting",
        "link": "the parent's own link to read the summary",
    },
    "step_reminder": {
        "step": "the step the parent agreed to take",
        "step_due": "when it was agreed for",
    },
    "hear_from_you": {"link": "the parent's own link to tell the school how things are"},
    "free": {"words": "the sender's own words"},
    "staff_reminder": {},
    "evening_invite": {
        "evening_name": "the parents' evening's name, e.g. Spring parents' evening",
        "evening_when": "its days and times",
        "book_by": "the last day to book or change",
        "link": "the parent's own link to book",
    },
    "evening_booked": {
        "evening_name": "the parents' evening's name",
        "appointments": "each appointment: when, with whom, about which child, and how",
        "link": "the parent's own link to change or cancel",
    },
    "evening_reminder": {
        "evening_name": "the parents' evening's name",
        "appointments": "each appointment: when, with whom, about which child, and how",
        "link": "the parent's own link to change or cancel",
    },
}


def allowed(kind: str) -> dict[str, str]:
    return {**COMMON, **BY_KIND.get(kind, {})}


def problems(text: str, kind: str) -> list[str]:
    """What is wrong with the placeholders of `text` for a template of `kind`, in words."""
    found = []
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return ["A brace is not closed: write placeholders as {parent_name}, or {{ for a brace."]
    names = allowed(kind)
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if not name:
            found.append("Write a placeholder's name between the braces, e.g. {parent_name}.")
        elif spec or conversion or not name.isidentifier():
            found.append(f"{{{name}}} is not a placeholder: use a plain name, e.g. {{child_name}}.")
        elif name not in names:
            found.append(
                f"{{{name}}} is not a placeholder for this kind of message. "
                f"You can use: {', '.join('{' + n + '}' for n in names)}."
            )
    return list(dict.fromkeys(found))


def used(text: str) -> set[str]:
    try:
        return {name for _l, name, _s, _c in string.Formatter().parse(text) if name}
    except ValueError:
        return set()


def fill(text: str, values: dict[str, str], *, keep: tuple[str, ...] = ()) -> str:
    """`text` with each placeholder replaced by its value (missing ones by nothing); names in
    `keep` stay as placeholders, to be filled at sending (the parent's link)."""
    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(text):
        out.append(literal)
        if name is None:
            continue
        if name in keep:
            out.append("{" + name + "}")
        else:
            out.append(str(values.get(name, "")))
    return "".join(out)


def escape(text: str) -> str:
    """Free text (a sender's words) made safe to put in a template: braces doubled."""
    return text.replace("{", "{{").replace("}", "}}")
