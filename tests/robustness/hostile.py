"""Hostile values, and one way to throw them at a form: never a 500, never unescaped script,
and a rejected submission leaves the database as it was."""

from __future__ import annotations

from django.apps import apps
from django.forms import BaseForm
from hypothesis import strategies as st

SCRIPT = '<script>alert("pc")</script>'

FIXED = [
    SCRIPT,
    f'"><img src=x onerror=alert(1)>{SCRIPT}',
    f"</textarea>{SCRIPT}",
    "'; DROP TABLE families_contact; --",
    "1' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "\x00",
    "Robin\x00Rowan",
    "2026-11-20\x00",
    "\u202eevil\u202c",
    "\u200f\u200e\u200b\u2060",
    "👨‍👩‍👧‍👦" * 30,
    "Z̴̡̛a̷l̶g̵o̶ t̷e̸x̵t̴",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷽",
    "\ufeff",
    "\uffff\U0010fffd\ufffe",
    "x" * 5000,
    "y" * 30000,
    "",
    " ",
    "\t\r\n",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "31/02/2026",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-11-20T25:61",
    "24:00",
    "-1",
    "0",
    "-999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "１２",
    "٣",
    "{{ 7*7 }}",
    "{% debug %}",
    "%s%s%n",
    "../../etc/passwd",
    "null",
    "None",
    "true",
    "[]",
]

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)

hostile = st.one_of(
    st.sampled_from(FIXED),
    _text,
    st.builds(lambda a, b: a + SCRIPT + b, _text, _text),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)

# Every table a portal form writes to: a rejected submission must leave all of them alone.
COUNTED = [
    "families.Contact",
    "families.Family",
    "families.ParentCarer",
    "families.Child",
    "families.SchoolFamily",
    "compass.Placement",
    "dashboards.SelfEvaluation",
    "meetings.Meeting",
    "meetings.MeetingParent",
    "meetings.ActionPoint",
    "meetings.AgencyAttendee",
    "meetings.Contribution",
    "meetings.ScalingAnswer",
    "meetings.FollowUp",
    "complaints.Complaint",
    "portal.FormSubmission",
]


def counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def snapshot(row) -> dict | None:
    if row is None:
        return None
    values = type(row)._base_manager.filter(pk=row.pk).values().first()
    return values


def with_values(base: dict, changes: dict) -> dict:
    data = dict(base)
    for field, value in changes.items():
        data[field] = [value] if isinstance(base.get(field), list) else value
    return data


def _rejected(response) -> bool:
    """A refusal, or a form shown again with its errors (htmx answers a success with 200 too)."""
    if response.status_code >= 400:
        return True
    context = response.context
    if context is None:
        return True
    for key in context.keys():  # noqa: SIM118 - a ContextList, not a dict
        value = context[key]
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return True
    return False


def check_response(client, response, *, before, row=None, row_before=None, sent=""):
    """The answer is a success or a clear message, never a 500; text is escaped; a rejected
    submission changed nothing."""
    assert response.status_code < 500, response.status_code
    body = response.content.decode(errors="replace")
    assert SCRIPT not in body, "a hostile script came back unescaped"
    if response.status_code in (301, 302, 303):
        target = response["Location"]
        # The page the user lands on shows what was saved: look there when markup was sent.
        if "<" in sent and target.startswith("/") and not target.startswith("//"):
            shown = client.get(target)
            assert shown.status_code < 500
            assert SCRIPT not in shown.content.decode(errors="replace")
        return
    if not _rejected(response):
        return
    # The form was shown again (or the request refused): nothing was written.
    assert counts() == before
    assert snapshot(row) == row_before
