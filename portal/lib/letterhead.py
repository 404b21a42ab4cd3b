"""What a family's printout says about the school: its name at the top, and at the foot how to
reach it (a named contact, the school's phone, e-mail, address and website). The meeting
letter, the meeting summary page and its PDF, and the subject access printout all read it from
here, so they never disagree. A detail the school has not filled in is left off, never shown
empty or guessed."""

from __future__ import annotations

from dataclasses import dataclass

from portal.lib.staff import staff_name


@dataclass(frozen=True)
class ContactLine:
    label: str
    value: str


def contact_lines(*, school, person=None, title: str = "") -> list[ContactLine]:
    """How to reach the school, line by line, each only when known."""
    lines = []
    if person is not None:
        name = staff_name(person)
        lines.append(ContactLine("Contact", f"{name}, {title}" if title else name))
    if school.phone:
        lines.append(ContactLine("Phone", school.phone))
    if school.email:
        lines.append(ContactLine("E-mail", school.email))
    if school.address_lines:
        lines.append(ContactLine("Address", "\n".join(school.address_lines)))
    if school.website:
        lines.append(ContactLine("Website", school.website))
    return lines


def job_title(person, school) -> str:
    """The job title this person holds at the school, or their role in words."""
    membership = person.memberships.filter(school=school).first()
    return membership.title if membership else ""
