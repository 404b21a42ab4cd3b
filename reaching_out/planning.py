"""Who a message goes to, which way, in which language and when: worked out from what the
portal knows about each adult, before anything is written. The sender sees the plan in the
preview and may choose another way where one is open; nothing here sends.

- Adults, never "a family": by default those with parental responsibility for the children
  the message is about and no recorded restriction; anyone a restriction covers is refused,
  with its words.
- The channel follows the adult's preference and barriers: a parent who prefers things spoken,
  or needs written things read with them, is offered a phone call instead of a letter or text;
  a stopped channel is not used unless the school must send it, with a reason.
- The language: the template in the parent's language, or English with a line in their
  language offering an interpreter's call.
- E-mails and texts wait for the school's quiet hours and the parent's "no messages
  before/after" to pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from families.models import ChildParent, ParentCarer
from portal.lib.languages import ENGLISH, code_for
from portal.models import School
from reaching_out import channels
from reaching_out.models import Channel, ChannelStop, Kind

SPOKEN = (ParentCarer.Reading.SPOKEN, ParentCarer.Reading.SUPPORT)
PREFERRED: dict[str, str] = {
    ParentCarer.Channel.EMAIL: Channel.EMAIL,
    ParentCarer.Channel.TEXT: Channel.TEXT,
    ParentCarer.Channel.LETTER: Channel.LETTER,
    ParentCarer.Channel.PHONE: Channel.CALL,
    ParentCarer.Channel.FACE_TO_FACE: Channel.CALL,
    ParentCarer.Channel.HOME_VISIT: Channel.CALL,
}


@dataclass
class Plan:
    parent: ParentCarer
    refused: str = ""  # why nothing may go to them, in words
    channel: str = ""
    open_channels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why this way, for the sender
    language: str = ENGLISH
    stopped: list[str] = field(default_factory=list)  # channels they stopped
    to: str = ""

    @property
    def may_send(self) -> bool:
        return not self.refused

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label if self.channel else ""


@dataclass
class Household:
    """A family's adults with what planning needs about each, read in three queries."""

    parents: list[ParentCarer]
    restrictions: dict[int, list[str]]
    responsible_for: dict[int, set[int]]  # parent id -> children they hold responsibility for
    linked_to: dict[int, set[int]]
    stops: dict[int, set[str]]


def household(parents) -> Household:
    parents = list(parents)
    ids = [p.pk for p in parents]
    restrictions: dict[int, list[str]] = {}
    responsible: dict[int, set[int]] = {}
    linked: dict[int, set[int]] = {}
    for parent_id, child_id, words, pr in ChildParent.objects.filter(parent_id__in=ids).values_list(
        "parent_id", "child_id", "restriction", "parental_responsibility"
    ):
        linked.setdefault(parent_id, set()).add(child_id)
        if words.strip() and words.strip() not in restrictions.get(parent_id, []):
            restrictions.setdefault(parent_id, []).append(words.strip())
        if pr:
            responsible.setdefault(parent_id, set()).add(child_id)
    stops: dict[int, set[str]] = {}
    for parent_id, channel in ChannelStop.objects.filter(
        parent_id__in=ids, restarted_at__isnull=True
    ).values_list("parent_id", "channel"):
        stops.setdefault(parent_id, set()).add(channel)
    return Household(parents, restrictions, responsible, linked, stops)


def default_recipients(home: Household, child_ids) -> list[int]:
    """Those holding parental responsibility for any of the children, with no restriction."""
    child_ids = set(child_ids)
    return [
        p.pk
        for p in home.parents
        if p.pk not in home.restrictions
        and (home.responsible_for.get(p.pk, set()) & child_ids if child_ids else True)
    ]


def open_channels(parent: ParentCarer) -> list[str]:
    """The ways a message could reach this adult at all."""
    ways: list[str] = []
    if parent.email:
        ways.append(Channel.EMAIL)
    if parent.phone and channels.texts_on():
        ways.append(Channel.TEXT)
    ways += [Channel.LETTER, Channel.CALL]
    return ways


def plan(
    parent: ParentCarer,
    home: Household,
    *,
    kind: str,
    school: School,
    templates_in: set[str],
    child_ids=(),
    chosen: str = "",
    must_send: bool = False,
) -> Plan:
    """How a message of `kind` would reach `parent`: refused (with why) or a channel, language
    and notes. `templates_in` is the languages this kind has words in; `chosen` is the sender's
    choice of channel, if any (kept when it is open to them)."""
    result = Plan(parent=parent)
    words = home.restrictions.get(parent.pk)
    if words:
        result.refused = (
            f"Not sent to {parent.full_name}: a recorded restriction applies: "
            f"“{' '.join(words)}”. Talk to the pastoral lead about what they may be told."
        )
        return result
    child_ids = set(child_ids)
    if child_ids and not (home.linked_to.get(parent.pk, set()) & child_ids):
        result.refused = f"{parent.full_name} is not recorded as a parent or carer of this child."
        return result
    stopped = home.stops.get(parent.pk, set())
    result.stopped = sorted(stopped)
    ways = open_channels(parent)
    if not must_send:
        ways = [w for w in ways if w not in stopped]
    result.open_channels = ways
    wanted = PREFERRED.get(parent.preferred_channel, Channel.CALL)
    if parent.reading in SPOKEN and wanted in (Channel.LETTER, Channel.TEXT, Channel.EMAIL):
        result.notes.append(
            f"{parent.first_name or parent.full_name} prefers things spoken or read with them: "
            "a phone call is offered instead."
        )
        wanted = Channel.CALL
    if wanted not in ways:
        reasons: dict[str, str] = {
            Channel.EMAIL: "no e-mail address is held"
            if not parent.email
            else "they asked for no more e-mails",
            Channel.TEXT: "texts are not set up"
            if not channels.texts_on()
            else (
                "no phone number is held" if not parent.phone else "they asked for no more texts"
            ),
        }
        why = reasons.get(wanted, "")
        if why:
            result.notes.append(f"They prefer {Channel(wanted).label.lower()}s, but {why}.")
        wanted = next(
            (w for w in (Channel.EMAIL, Channel.TEXT, Channel.LETTER, Channel.CALL) if w in ways),
            "",
        )
    if chosen and chosen in ways:
        wanted = chosen
    result.channel = wanted
    for way in stopped:
        if way in ways:
            result.notes.append(
                f"They asked for no more {Channel(way).label.lower()}s: this goes only because "
                "the school must send it."
            )
    if result.channel == Channel.EMAIL:
        result.to = parent.email
    elif result.channel == Channel.TEXT:
        result.to = parent.phone
    elif result.channel == Channel.LETTER:
        result.to = parent.postal_address
        if not parent.postal_address.strip():
            result.notes.append("No postal address is held: the letter goes home by hand.")
    elif result.channel == Channel.CALL:
        result.to = parent.phone
    code = code_for(parent.language or "") or ENGLISH
    result.language = code if code in templates_in else ENGLISH
    if result.language == ENGLISH and (code != ENGLISH or _other_language(parent)):
        result.notes.append(
            f"No {parent.language} version of this message yet: it goes in English with a line "
            f"in {parent.language} offering a call with an interpreter."
            if code != ENGLISH
            else f"It goes in English with a line offering a call with a {parent.language} "
            "interpreter."
        )
    if kind == Kind.STAFF_REMINDER:
        result.notes = []
    return result


def _other_language(parent: ParentCarer) -> bool:
    return bool(parent.language.strip()) and code_for(parent.language) is None


def needs_interpreter_line(parent: ParentCarer, language: str) -> bool:
    """English was used for someone more at home in another language."""
    if language != ENGLISH:
        return False
    return (code_for(parent.language or "") or ENGLISH) != ENGLISH or _other_language(parent)


def next_allowed(
    when: dt.datetime, *, school: School, parent: ParentCarer | None
) -> tuple[dt.datetime, str]:
    """The first moment from `when` outside the school's quiet hours and the parent's "no
    messages before/after", and why it was held ("" if it was not)."""
    reason = ""
    at = when
    for _ in range(14):
        ends = school.quiet_ends(at)
        if ends is not None and ends > at:
            at, reason = ends, "the school's quiet hours"
            continue
        if parent is None:
            break
        local = timezone.localtime(at)
        before, after = parent.no_contact_before, parent.no_contact_after
        if before and after and before >= after:
            # Their hours run across midnight (e.g. not before 20:00, not after 08:00).
            if after <= local.time() < before:
                at = _at(local.date(), before)
                reason = f"no messages between {after:%H:%M} and {before:%H:%M}, as they asked"
                continue
            break
        if before and local.time() < before:
            at = _at(local.date(), before)
            reason = f"no messages before {before:%H:%M}, as they asked"
            continue
        if after and local.time() >= after:
            at = _at(local.date() + dt.timedelta(days=1), before or dt.time(0, 0))
            reason = f"no messages after {after:%H:%M}, as they asked"
            continue
        break
    return at, (reason if at > when else "")


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time), timezone.get_current_timezone())
