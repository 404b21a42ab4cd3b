"""What a meeting sends to one parent or carer (letter, calendar file, summary): whether a
recorded restriction stops it, and where the meeting is, in words that never carry another
adult's address or contact details."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from families.models import ChildParent, ParentCarer
from meetings.models import Meeting, MeetingParent
from meetings.services import restrictions_by_parent

# Where the meeting is, for a place whose details may be another adult's home or number.
AT_HOME = "At home (the address we agreed with you)"
BY_PHONE = "By phone: we will call you on the number you gave us"
DETAILS_HELD_BACK = "we will confirm the details with you"


@dataclass
class Recipients:
    """A meeting's parents and carers as senders see them: each one's restriction, invitation,
    and whether anything may be sent to them."""

    meeting: Meeting
    parents: list[ParentCarer]
    restrictions: dict[int, str]
    invitations: dict[int, MeetingParent] = field(default_factory=dict)
    linked: dict[int, set[int]] = field(default_factory=dict)  # parent id -> their children

    def children_of(self, parent: ParentCarer, children) -> list:
        """Those of `children` this parent or carer is linked to: what is made for them never
        names another adult's child."""
        mine = self.linked.get(parent.pk, set())
        return [c for c in children if c.pk in mine]

    def parent(self, pk) -> ParentCarer | None:
        return next((p for p in self.parents if str(p.pk) == str(pk)), None)

    def is_invited(self, parent: ParentCarer) -> bool:
        inv = self.invitations.get(parent.pk)
        return inv is not None and inv.response != MeetingParent.Response.NOT_INVITED

    def refusal(self, parent: ParentCarer) -> str:
        """Why nothing from this meeting may go to `parent` ("" if it may): a recorded
        restriction that no member of staff has decided, with a reason, to set aside."""
        words = self.restrictions.get(parent.pk)
        if not words:
            return ""
        inv = self.invitations.get(parent.pk)
        if (
            inv is not None
            and inv.is_overridden
            and inv.response != MeetingParent.Response.NOT_INVITED
            and inv.override_restriction == words
        ):
            return ""
        return (
            f"Nothing from this meeting is sent to {parent.full_name}: a recorded restriction "
            f"applies: “{words}”. Only if a member of staff decides to invite them, with a "
            "reason, in the meeting plan, can a letter, calendar file or summary be made for them."
        )

    def place_for(self, parent: ParentCarer) -> str:
        """Where the meeting is, as told to `parent`: a home visit's address, a phone number,
        or details holding another adult's phone or e-mail are never given."""
        return place_for_parent(self.meeting, parent, self.parents)


def recipients(meeting: Meeting) -> Recipients:
    """The meeting family's parents and carers, their restrictions, invitations and children
    (4 queries)."""
    parents = list(ParentCarer.objects.filter(family_id=meeting.family_id).order_by("pk"))
    invitations = {inv.parent_id: inv for inv in meeting.invitations.select_related("override_by")}
    linked: dict[int, set[int]] = {}
    links = ChildParent.objects.filter(parent__family_id=meeting.family_id)
    for parent_id, child_id in links.values_list("parent_id", "child_id"):
        linked.setdefault(parent_id, set()).add(child_id)
    return Recipients(
        meeting=meeting,
        parents=parents,
        restrictions=restrictions_by_parent(meeting.family_id),
        invitations=invitations,
        linked=linked,
    )


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def mentions_contact_details(text: str, people) -> bool:
    """Whether `text` holds the phone number or e-mail address of any of `people`."""
    lowered, digits = text.casefold(), _digits(text)
    for person in people:
        if person.email and person.email.casefold() in lowered:
            return True
        phone = _digits(person.phone or "")
        # The last nine digits match a number written with or without its country code.
        if len(phone) >= 6 and phone[-9:] in digits:
            return True
    return False


def place_for_parent(meeting: Meeting, parent: ParentCarer, family_parents) -> str:
    """Where the meeting is, for a letter, calendar file or summary sent to `parent`.

    A home visit's details are never printed: the home may be another parent's, and a letter
    to one separated parent must not carry the other's address. A phone meeting's number may be
    another adult's, so the parent is told they will be called. Other details are printed
    unless they hold another adult's phone or e-mail."""
    kind = meeting.place_kind
    if kind == Meeting.Place.HOME:
        return AT_HOME
    if kind == Meeting.Place.PHONE:
        return BY_PHONE
    label = meeting.get_place_kind_display()
    details = meeting.place_details.strip()
    if not details:
        return label
    others = [p for p in family_parents if p.pk != parent.pk]
    if mentions_contact_details(details, others):
        return f"{label} ({DETAILS_HELD_BACK})"
    return f"{label}: {details}"
