"""Subject access: everything the portal holds about one parent or carer and their children at
one school, as a JSON-ready dict, leaving out what they may not be given.

The rules (also in docs/data-protection.md, "Subject access"):
- Their own details (and earlier versions of them) are always included.
- A child is included only where this person holds parental responsibility for the child and
  their link to the child carries no recorded restriction. Other children are left out, and so
  is every record about them.
- Other parents and carers are third parties: their details, the contacts and meetings they
  took part in without this person, placements about them alone and complaints they raised
  are left out.
- Contacts and meetings shared more narrowly than the whole school (pastoral or named staff)
  are not exported automatically: they often hold safeguarding concerns or what other people
  said in confidence. The staff page counts them so the data protection lead reviews each one
  and decides what to release or which exemption applies; the export never shows the count.
- The household's own record (name, strengths, exceptions) is included only when this person
  has at least one child included and no restriction on any link; and, where the household
  has children this person has no link to (another adult's), its name only if it names none
  of them, and its strengths and exceptions not at all.
- A person with a recorded restriction: every contact, meeting, placement (family-wide ones
  included) and complaint in the copy carries REVIEW_FLAG with the restriction's words, for the
  data protection lead to check and take out before sending. Family-wide placements in the copy
  of someone with unlinked children in the household are flagged too.
- The access log rows about the records included (when, what was done, which record), without
  staff names.
Records are read through each model's base manager, so rows a default manager hides (e.g.
withdrawn ones) are still given. Everything is read in a fixed number of queries, however many
records the family has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst

from audit.models import AccessLog
from families.models import Child, ChildParent, ParentCarer
from portal import family_records
from portal.family_records import REVIEW_FLAG, Asker
from portal.lib.words import record_in_words, value_in_words

LOG_LIMIT = 2000

PARENT_FIELDS = [
    "first_name",
    "last_name",
    "household",
    "organisation",
    "phone",
    "email",
    "language",
    "interpreter_needed",
    "reading",
    "preferred_channel",
    "good_times",
    "good_places",
    "transport_needs",
    "mobility_needs",
    "work_pattern",
    "dates_to_avoid",
]
CHILD_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "year_group",
    "looked_after",
    "additional_support_needs",
    "young_carer",
    "starts_on",
    "coming_from",
    "left_on",
]


@dataclass
class SubjectAccess:
    """The export itself, and for staff only what was left out and why."""

    export: dict
    withheld: list[tuple[str, int]] = field(default_factory=list)
    restricted: bool = False
    logged: list = field(default_factory=list)  # the records the export covers, for the log
    restriction: str = ""  # the words of every recorded restriction on this person
    flagged: int = 0  # records in the copy flagged for review against the restriction


def _names_a_child(text: str, children) -> bool:
    """Whether `text` names any of `children` (by first name or full name, as a whole word)."""
    for child in children:
        for name in {child.first_name.strip(), child.full_name.strip()}:
            if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
                return True
    return False


def subject_access_build(*, parent: ParentCarer, school) -> SubjectAccess:
    """Everything held about `parent` and their children at `school` that they may be given."""
    family = parent.family
    links = list(
        ChildParent.objects.filter(parent=parent, child__school=school)
        .select_related("child__class_group")
        .order_by("child__first_name", "child__pk")
    )
    entitled = [link for link in links if link.parental_responsibility and not link.is_restricted]
    entitled_ids = {link.child_id for link in entitled}
    # The copy is built from the children this person is linked to. The family's other
    # children (at any school, left or not) are another adult's: the household's record is
    # also about them, so it is given only in part, or not at all.
    own_links = list(ChildParent.objects.filter(parent=parent).order_by("pk"))
    entitled_anywhere = {
        link.child_id
        for link in own_links
        if link.parental_responsibility and not link.is_restricted
    }
    unlinked = [
        child
        for child in Child.objects.filter(family=family).only("pk", "first_name", "last_name")
        if child.pk not in entitled_anywhere
    ]
    words: list[str] = []
    for link in own_links:
        if link.is_restricted and link.restriction.strip() not in words:
            words.append(link.restriction.strip())
    restriction = " ".join(words)
    restricted = bool(restriction)
    flag = (
        f"A recorded restriction applies to this person: “{restriction}”. Check this record "
        "against it, and take this note out, before the copy is sent."
    )
    withheld: list[tuple[str, int]] = []

    sections: dict[str, list] = {}
    sections["Parent or carer"] = [record_in_words(parent, PARENT_FIELDS)]
    versions = parent.history.filter(id=parent.pk).order_by("history_date", "history_id")
    sections["Earlier versions of these details"] = [
        {
            "Changed on": value_in_words(v.history_date),
            "Change": {"+": "Created", "~": "Changed", "-": "Removed"}.get(v.history_type, ""),
            **record_in_words(v, PARENT_FIELDS),
        }
        for v in versions
    ]

    household: dict = {}
    if entitled and not restricted:
        # A name that names another adult's child (e.g. "Family of <their child>") is left
        # out; strengths and exceptions are about the whole household, so they are given only
        # when every child of it is this person's.
        if not _names_a_child(family.name, unlinked):
            household["Name"] = family.name
        if not unlinked:
            household |= {"Strengths": family.strengths, "Exceptions": family.exceptions}
    family_included = bool(household)
    if household:
        sections["Family"] = [household]
    if len(household) < 3:
        why = (
            "The household's own record (name, strengths, exceptions)"
            if not household
            else "Part of the household's record (about children this person has no link to)"
        )
        withheld.append((why, 1))

    sections["Children"] = [
        {
            **record_in_words(link.child, CHILD_FIELDS),
            "Class": link.child.class_group.name if link.child.class_group else "",
            "Your relationship": link.get_relationship_display(),
            "Parental responsibility": value_in_words(link.parental_responsibility),
            "Lives with you": value_in_words(link.lives_with_child),
        }
        for link in entitled
    ]
    if len(links) > len(entitled):
        withheld.append(
            (
                "Children this person has no parental responsibility for, or a restriction on",
                len(links) - len(entitled),
            )
        )

    # Each kind of record kept about a family gives its own section (portal.family_records).
    asker = Asker(
        parent=parent,
        school=school,
        family=family,
        entitled_ids=entitled_ids,
        restricted=restricted,
        unlinked=unlinked,
    )
    flagged = 0
    records_covered: list = []
    for export in family_records.exports():
        part = export.build(asker)
        sections[export.title] = part.records
        withheld.extend(part.withheld)
        records_covered.extend(part.covered)
        flagged += part.flagged
        if restricted:
            # Every record given to a restricted person is touched by what the restriction
            # withholds (family-wide placements included): each carries its words for the lead.
            flagged += len(part.records)
            for record in part.records:
                record[REVIEW_FLAG] = flag
    if restricted:
        for record in sections.get("Family", []):
            record[REVIEW_FLAG] = flag

    covered = [parent, *records_covered]
    if family_included:
        covered.append(family)
    sections["When these records were viewed, printed or exported"] = _access_rows(
        school, family, covered
    )
    export = {
        "About this copy": {
            "Prepared on": value_in_words(timezone.now()),
            "School": school.name,
            "Who it is about": parent.full_name,
            "What it holds": "What this school's Parent Compass records hold about you and the "
            "children you hold parental responsibility for. Information about other people, "
            "and information the school may not share with you, is left out; ask the school's "
            "data protection lead if you have questions.",
        },
        "sections": sections,
    }
    return SubjectAccess(
        export=export,
        withheld=withheld,
        restricted=restricted,
        logged=covered,
        restriction=restriction,
        flagged=flagged,
    )


def _access_rows(school, family, covered) -> list[dict]:
    types = ContentType.objects.get_for_models(*covered, for_concrete_models=True)
    by_type: dict[int, list[int]] = {}
    for obj in covered:
        by_type.setdefault(types[obj].pk, []).append(obj.pk)
    which = Q(pk__in=[])
    for type_id, ids in by_type.items():
        which |= Q(content_type_id=type_id, object_id__in=ids)
    rows = (
        AccessLog.objects.filter(school=school, family_id=family.pk)
        .filter(which)
        .select_related("content_type")
        .order_by("at", "pk")[:LOG_LIMIT]
    )
    return [
        {
            "When": value_in_words(row.at),
            "What was done": row.get_action_display(),
            "Record": f"{capfirst(row.content_type.name)} #{row.object_id}",
        }
        for row in rows
    ]
