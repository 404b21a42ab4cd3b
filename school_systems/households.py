"""Which pupils of a OneRoster roster are one household (school_systems/roster_import.py).

OneRoster has no family, only links between pupils and their carers (`agentSourcedIds`). Joining
pupils through every link would put strangers' children in one family wherever one adult is the
carer of several (a council as corporate parent, a residential key worker, a foster carer), and
with them their birth parents: a safeguarding failure. So only a carer whose role is `parent`
joins pupils, and no one linked to more than HUB_PUPILS pupils does."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Protocol

from school_systems.bundle import Record

# Only a carer whose role is "parent" joins pupils into one household.
JOINING_ROLES = {"parent"}
# A carer linked to more pupils than this is a service or worker, not a household's parent.
HUB_PUPILS = 6


class Carer(Protocol):
    record: Record
    role: str


class Links:
    """Union–find over sourcedIds: who is in one household."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def join_households(
    carers: Mapping[str, Carer], links: dict[str, dict[str, Record]]
) -> tuple[Links, list[str]]:
    """Pupils joined into households through the carers whose role is "parent" and who are
    linked to at most HUB_PUPILS pupils; notes naming the carers treated as a service."""
    households = Links()
    pupils_of: dict[str, set[str]] = defaultdict(set)
    for pupil_id, theirs in links.items():
        for carer_id in theirs:
            pupils_of[carer_id].add(pupil_id)
    notes = []
    for carer_id, pupils in sorted(pupils_of.items()):
        carer = carers[carer_id]
        if len(pupils) > HUB_PUPILS:
            name = " ".join(
                part
                for part in (carer.record.get("givenName"), carer.record.get("familyName"))
                if part
            )
            notes.append(
                f"{name or carer_id} ({carer_id}) is linked to {len(pupils)} pupils, so is "
                "taken for a service or worker, not a household's parent: they are added as a "
                "carer in each pupil's own family and put no families together."
            )
            continue
        if carer.role not in JOINING_ROLES:
            continue
        for pupil_id in pupils:
            households.join(f"s:{pupil_id}", f"c:{carer_id}")
    return households, notes
