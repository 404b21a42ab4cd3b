"""A OneRoster roster (school_systems.bundle.Bundle, from a CSV bundle or a REST pull) into the
portal, through the families importer (families/importer.py), so the same rules hold: a dry run
saves nothing, importing again changes nothing, an empty value never wipes what staff added, a
restriction is never cleared, what staff changed is kept, and a record with a problem is
reported with its file and line while the rest imports (or nothing, with all or nothing).

OneRoster has no "family": a household is the connected group of pupils linked through a carer
whose role is `parent` (`agentSourcedIds`, read from either side), so brothers and sisters who
share a parent are one family. A guardian or relative, and anyone linked to more than
HUB_PUPILS pupils (households.py: a council as corporate parent, a key worker), joins no pupils
together: they are added as a carer in each pupil's own family, so strangers' children are never
put in one family through them. Each pupil–carer link becomes one row of the families importer's
layout; what the role says (relationship, parental responsibility) applies to a new link only.
What maps to what is documented in docs/oneroster.md."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from families import importer
from families.importer import ImportResult, RowError
from portal.models import ClassGroup, School
from school_systems.bundle import TABLES, Bundle, BundleError, Record
from school_systems.csv_bundle import PROBLEM
from school_systems.households import join_households
from school_systems.models import RosterImport
from school_systems.year_groups import year_group

PUPIL_ROLES = {"student"}
CARER_ROLES = {"parent", "guardian", "relative"}
# What a carer's OneRoster role says, in the families importer's terms: (relationship,
# parental responsibility). "parent" says no more than that, so "other" and the importer's
# default (yes for a new link); a guardian holds parental responsibility; a relative is, in
# OneRoster's words, neither parent nor guardian, so a kinship carer without it.
CARER_DEFAULTS = {
    "parent": ("other", ""),
    "guardian": ("other", "yes"),
    "relative": ("kinship_carer", "no"),
}
ACTIVE = {"", "active"}
NAME_MAX = 100


@dataclass
class _Person:
    record: Record
    role: str
    orgs: set[str] = field(default_factory=set)

    @property
    def sourced_id(self) -> str:
        return self.record.get("sourcedId")


def _a(role: str) -> str:
    """ "a teacher", "an administrator", "someone with no role"."""
    if not role:
        return "someone with no role"
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"


def _split(value: str) -> list[str]:
    """A multi-value field ("p1,p2", "p1, p2", "p1;p2") to its values."""
    return [part.strip() for part in re.split(r"[,;]", value or "") if part.strip()]


def _date(value: str) -> str | None:
    """An ISO (also with a time) or day-first date to YYYY-MM-DD; None if unreadable."""
    value = value.strip()
    for fmt, text in (
        ("%Y-%m-%d", value[:10]),
        ("%d/%m/%Y", value),
        ("%d-%m-%Y", value),
        ("%d.%m.%Y", value),
    ):
        try:
            return datetime.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def school_org(bundle: Bundle, school: School, org: str = "") -> str:
    """The school's sourcedId in the bundle ("" when the bundle names no orgs: take everyone).
    `org` (e.g. RosterSource.org_sourced_id) wins; otherwise the one school in orgs.csv, or the
    one named like the portal's school. BundleError when it cannot be told."""
    if org:
        return org
    active = [r for r in bundle.orgs if r.get("status").lower() in ACTIVE and r.get("sourcedId")]
    if not active:
        return ""
    schools = [r for r in active if r.get("type").lower() == "school"] or active
    if len(schools) == 1:
        return schools[0].get("sourcedId")

    def plain(name: str) -> str:
        return re.sub(r"\s+", " ", name).strip().lower()

    named = [r for r in schools if plain(r.get("name")) == plain(school.name)]
    if len(named) == 1:
        return named[0].get("sourcedId")
    names = ", ".join(sorted(r.get("name") or r.get("sourcedId") for r in schools))
    raise BundleError(
        f"orgs.csv names more than one school ({names}) and none is called “{school.name}”. "
        "Export only this school, or give the school's sourcedId."
    )


class _Reader:
    """Works out pupils, carers, households and classes from a bundle."""

    def __init__(self, bundle: Bundle, school: School, org: str):
        self.bundle = bundle
        self.school = school
        self.org = school_org(bundle, school, org)
        self.problems: list[RowError] = []
        self.pupils: dict[str, _Person] = {}
        self.carers: dict[str, _Person] = {}
        self.others: dict[str, _Person] = {}  # everyone else, to say who a bad link points at
        self.seen_ids: set[str] = set()
        self.elsewhere: set[str] = set()
        # Each table's readable rows; a row the CSV reader could not read is reported.
        self.tables: dict[str, list[Record]] = {}
        for table in TABLES:
            self.tables[table] = []
            for record in getattr(bundle, table):
                if record.get(PROBLEM):
                    self.problem(record, record.get(PROBLEM))
                else:
                    self.tables[table].append(record)
        self._people()
        if not self.org and not org:
            self._one_school()

    def _one_school(self) -> None:
        """With no org known (no orgs.csv), the pupils must all be of one school: otherwise
        every school's pupils would be imported into the chosen one."""
        orgs = [p.orgs for p in self.pupils.values() if p.orgs]
        if not orgs or set.intersection(*orgs):
            return
        count = len(set.union(*orgs))
        raise BundleError(
            f"This bundle holds pupils of {count} schools and no orgs.csv to tell which is this "
            "one: export one school, or give the school's sourcedId (--org, or “The school's "
            "sourcedId” when uploading)."
        )

    def problem(self, record: Record, message: str) -> None:
        self.problems.append(RowError(record.line, message, record.where))

    def _roles(self) -> dict[str, tuple[str, set[str]]]:
        """OneRoster 1.2: each user's role and orgs. The role is the primary one (at this school
        if named), except that a parent or carer role anywhere counts: a teacher who is also a
        pupil's parent is linked as their parent."""
        found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for record in self.tables["roles"]:
            if record.get("status").lower() not in ACTIVE:
                continue
            user, role = record.get("userSourcedId"), record.get("role").lower()
            if not user or not role:
                continue
            org = record.get("orgSourcedId")
            rank = (2 if self.org and org == self.org else 0) + (
                1 if record.get("roleType").lower() in {"", "primary"} else 0
            )
            found[user].append((rank, role, org))
        roles = {}
        for user, rows in found.items():
            role = max(rows)[1]
            if role not in PUPIL_ROLES | CARER_ROLES:
                role = next((r for _rank, r, _org in sorted(rows) if r in CARER_ROLES), role)
            roles[user] = (role, {org for _rank, _role, org in rows if org})
        return roles

    def _people(self) -> None:
        roles = self._roles()
        for record in self.tables["users"]:
            sourced_id = record.get("sourcedId")
            if not sourced_id:
                self.problem(record, "sourcedId is empty, so this person cannot be imported.")
                continue
            if sourced_id in self.seen_ids:
                self.problem(record, f"sourcedId {sourced_id} appears more than once in users.")
                continue
            self.seen_ids.add(sourced_id)
            if record.get("status").lower() not in ACTIVE:
                continue
            role, orgs = roles.get(sourced_id, ("", set()))
            role = role or record.get("role").lower()
            orgs = orgs | set(_split(record.get("orgSourcedIds") or record.get("orgSourcedId")))
            if record.get("primaryOrgSourcedId"):
                orgs.add(record.get("primaryOrgSourcedId"))
            person = _Person(record, role, orgs)
            if role in PUPIL_ROLES:
                if self.org and orgs and self.org not in orgs:
                    self.elsewhere.add(sourced_id)  # a pupil of another school in the export
                    continue
                self.pupils[sourced_id] = person
            elif role in CARER_ROLES:
                self.carers[sourced_id] = person
            else:
                self.others[sourced_id] = person

    def birth_dates(self) -> dict[str, str]:
        dates = {}
        for record in self.tables["demographics"]:
            user = record.get("sourcedId") or record.get("userSourcedId")
            value = record.get("birthDate")
            if user not in self.pupils or not value:
                continue
            parsed = _date(value)
            if parsed is None:
                self.problem(
                    record,
                    f"birthDate is “{value}”, which is not a date (use YYYY-MM-DD or "
                    "DD/MM/YYYY), so it is left out: unless all or nothing was chosen, the pupil "
                    "is imported without a date of birth, for the school to complete.",
                )
                continue
            dates[user] = parsed
        return dates

    def links(self) -> dict[str, dict[str, Record]]:
        """Pupil -> carer -> the record that stated the link; bad links reported."""
        found: dict[str, dict[str, Record]] = defaultdict(dict)

        def link(record: Record, pupil: str, carer: str) -> None:
            found[pupil].setdefault(carer, record)

        def who(sourced_id: str) -> str:
            if sourced_id in self.others:
                role = _a(self.others[sourced_id].role)
                return f"{sourced_id}, who is {role}, not a parent or carer"
            if sourced_id in self.pupils or sourced_id in self.elsewhere:
                return f"{sourced_id}, who is a pupil, not a parent or carer"
            return ""

        for pupil_id, pupil in self.pupils.items():
            for agent in _split(pupil.record.get("agentSourcedIds")):
                if agent in self.carers:
                    link(pupil.record, pupil_id, agent)
                elif who(agent):
                    self.problem(
                        pupil.record, f"agentSourcedIds names {who(agent)}; that link is left out."
                    )
                elif agent not in self.seen_ids:
                    self.problem(
                        pupil.record,
                        f"agentSourcedIds names {agent}, who is not in users; that link is "
                        "left out.",
                    )
        for carer_id, carer in self.carers.items():
            for agent in _split(carer.record.get("agentSourcedIds")):
                if agent in self.pupils:
                    link(carer.record, agent, carer_id)
                elif agent in self.carers or agent in self.others:
                    role = (self.carers.get(agent) or self.others[agent]).role
                    self.problem(
                        carer.record,
                        f"agentSourcedIds names {agent}, who is {_a(role)}, not a pupil; that "
                        "link is left out.",
                    )
                elif agent not in self.seen_ids:
                    self.problem(
                        carer.record,
                        f"agentSourcedIds names {agent}, who is not in users; that link is "
                        "left out.",
                    )
                # else: a pupil of another school or someone inactive, silently not ours.
        return found

    def classes(self) -> dict[str, tuple[str, str]]:
        """Pupil -> (class name, year group from the class's grades). A homeroom
        (registration) class is preferred; otherwise the only class the pupil is in."""
        classes = {}
        for record in self.tables["classes"]:
            if record.get("status").lower() not in ACTIVE:
                continue
            school_id = record.get("schoolSourcedId")
            if self.org and school_id and school_id != self.org:
                continue
            title = (record.get("title") or record.get("classCode"))[:50]
            if title:
                classes[record.get("sourcedId")] = record
        enrolled: dict[str, list[Record]] = defaultdict(list)
        for record in self.tables["enrollments"]:
            if record.get("status").lower() not in ACTIVE:
                continue
            if record.get("role").lower() not in {"", "student"}:
                continue
            user, class_id = record.get("userSourcedId"), record.get("classSourcedId")
            if user in self.pupils and class_id in classes:
                enrolled[user].append(classes[class_id])
        chosen = {}
        for user, their in enrolled.items():
            homeroom = [c for c in their if c.get("classType").lower() == "homeroom"]
            pick = homeroom[0] if homeroom else (their[0] if len(their) == 1 else None)
            if pick is None:
                continue
            grades = [year_group(g, self.school.stage) for g in _split(pick.get("grades"))]
            chosen[user] = (
                (pick.get("title") or pick.get("classCode"))[:50],
                "/".join(dict.fromkeys(grades))[:20],
            )
        return chosen


def _relationship(carer: _Person) -> tuple[str, str, str]:
    """What the carer is to the pupil, and which of it only the OneRoster role says. A
    `relationship` (or `parentalResponsibility`) column some exports add says more than the role,
    when it is one we know, and is applied to every link; what comes from the role alone is a
    default for a new link ("__new_only__"), so it never overwrites what a link already holds
    (a "mother" stays a mother, a kinship carer's recorded responsibility stays)."""
    relationship, responsibility = CARER_DEFAULTS[carer.role]
    new_only = []
    stated = importer._RELATIONSHIPS.get(carer.record.get("relationship").strip().lower())
    if not stated:
        new_only.append("relationship")
    said = carer.record.get("parentalResponsibility").strip().lower()
    if said in importer._TRUE or said in importer._FALSE:
        responsibility = said
    else:
        new_only.append("parental_responsibility")
    return (stated or relationship), responsibility, ",".join(new_only)


def _named(reader: _Reader, person: _Person, what: str, skip: set[str]) -> bool:
    """Whether a pupil (givenName and familyName) or carer (familyName) has the names the
    import needs; if not, the problem is reported once, in OneRoster's column names."""
    needed = ("givenName", "familyName") if what == "pupil" else ("familyName",)
    empty = [name for name in needed if not person.record.get(name)]
    if not empty:
        return True
    if person.sourced_id not in skip:
        skip.add(person.sourced_id)
        left_out = (
            "so they cannot be imported"
            if what == "pupil"
            else "so their links to pupils are left out (a service's name goes in familyName)"
        )
        reader.problem(
            person.record,
            f"{' and '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty for {what} "
            f"{person.sourced_id}, {left_out}.",
        )
    return False


def bundle_rows(
    bundle: Bundle, school: School, org: str = ""
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError], dict[str, str], set[str], list[str]]:
    """The bundle as rows of the families importer (one per pupil–carer link), the problems
    found on the way, the classes the rows need (name -> year group), the pupils with no
    date of birth, and notes for the report (carers taken for a service)."""
    reader = _Reader(bundle, school, org)
    dates = reader.birth_dates()
    links = reader.links()
    classes = reader.classes()
    households, notes = join_households(reader.carers, links)
    unnamed: set[str] = set()
    rows: list[tuple[int, dict[str, str]]] = []
    needed: dict[str, tuple[str, str]] = {}
    undated: set[str] = set()
    for pupil_id, pupil in reader.pupils.items():
        record = pupil.record
        if not links.get(pupil_id):
            reader.problem(
                record,
                f"pupil {pupil_id} has no parent or carer linked (agentSourcedIds), so they "
                "cannot be placed in a family; add the link in the school system.",
            )
            continue
        if not _named(reader, pupil, "pupil", unnamed):
            continue
        class_name, class_year = classes.get(pupil_id, ("", ""))
        own = [year_group(g, school.stage) for g in _split(record.get("grades"))]
        year = own[0] if len(own) == 1 else (class_year if "/" not in class_year else "")
        if class_name:
            needed.setdefault(class_name.lower(), (class_name, class_year or year))
        if pupil_id not in dates:
            undated.add(pupil_id)
        for carer_id in sorted(links[pupil_id]):
            carer = reader.carers[carer_id]
            if not _named(reader, carer, "parent or carer", unnamed):
                continue
            relationship, responsibility, new_only = _relationship(carer)
            given = carer.record
            same = given.file == record.file
            where = (
                f"{record.where} (pupil) and {'line ' + str(given.line) if same else given.where}"
                " (parent or carer)"
            )
            rows.append(
                (
                    len(rows) + 1,
                    {
                        "__where__": where,
                        "pupil_id": pupil_id[:50],
                        "pupil_first_name": record.get("givenName")[:NAME_MAX],
                        "pupil_last_name": record.get("familyName")[:NAME_MAX],
                        "date_of_birth": dates.get(pupil_id, ""),
                        "year_group": year,
                        "class": class_name,
                        "family_ref": households.find(f"s:{pupil_id}"),
                        "parent_id": carer_id[:50],
                        "parent_first_name": given.get("givenName")[:NAME_MAX],
                        "parent_last_name": given.get("familyName")[:NAME_MAX],
                        "relationship": relationship,
                        "parental_responsibility": responsibility,
                        "__new_only__": new_only,
                        "phone": (given.get("phone") or given.get("sms"))[:40],
                        "email": given.get("email"),
                    },
                )
            )
    return rows, reader.problems, dict(needed.values()), undated, notes


def _place(error: RowError) -> tuple[str, int]:
    """Where a problem is, to list them file by file, line by line."""
    match = re.match(r"(.*?) line (\d+)", error.where)
    return (match[1], int(match[2])) if match else (error.where, error.line)


def bundle_import(
    bundle: Bundle,
    *,
    school: School,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    org: str = "",
) -> ImportResult:
    """Import a OneRoster bundle into `school`. A dry run, and all or nothing with a problem,
    save nothing. Classes the pupils are in are added to the school when missing (never
    changed). Raises BundleError when the bundle as a whole cannot be used."""
    rows, problems, needed, undated, notes = bundle_rows(bundle, school, org)
    if not rows and not problems:
        raise BundleError(
            "The bundle has no pupils of this school linked to a parent or carer: nothing to "
            "import. Check it is the right school's export."
        )
    with transaction.atomic():
        existing = {
            name.lower()
            for name in ClassGroup.objects.filter(school=school).values_list("name", flat=True)
        }
        added = sorted(name for name in needed if name.lower() not in existing)
        for name in added:
            ClassGroup.objects.create(school=school, name=name, year_group=needed[name])
        result = importer.families_import(
            school=school,
            rows=rows,
            problems=problems,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            birth_date_optional=True,
        )
        verb = "were" if result.saved else "would be"
        if added:
            result.notes.append(f"Classes: {len(added)} {verb} added ({', '.join(added)}).")
        if undated:
            result.notes.append(
                f"Pupils with no date of birth in the bundle: {len(undated)}. Each imported "
                "without one is marked “Date of birth to complete” under “Who is who” on their "
                "family's page, and the Families list's filter “A pupil's date of birth is still "
                "to complete” finds them. Enter the date in the school information system: the "
                "next import fills it in."
            )
        result.notes.extend(notes)
        if not result.saved:
            transaction.set_rollback(True)
    result.errors.sort(key=_place)
    return result


def record_import(
    *,
    school: School,
    source: str,
    name: str,
    dry_run: bool,
    all_or_nothing: bool,
    version: str = "",
    result: ImportResult | None = None,
    problem: str = "",
    user=None,
    who: str = "",
    finished: bool = True,
) -> RosterImport:
    """The RosterImport row for one import or dry run (or one refused with `problem`); with
    `finished` False, one queued for the task worker (school_systems/csv_runs.py)."""
    return RosterImport.objects.create(
        school=school,
        source=source,
        name=name[:300],
        version=version,
        started_by=user,
        who=who[:150],
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        report=result.as_json() if result is not None else {},
        problem=problem,
        finished_at=timezone.now() if finished else None,
    )
