"""The records families keeps about a family, registered for the audit page, retention and
erasure, and the subject access copy (portal.family_records)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch

from families.models import Child, Contact, Family, ParentCarer, SchoolFamily
from portal.family_records import (
    FAMILY,
    PROTECTION,
    ROUTINE,
    Asker,
    Erasure,
    Export,
    ExportPart,
    FamilyRecord,
    register,
)
from portal.lib.words import day, record_in_words, staff_name_or_blank

SCHOOL_WIDE = Contact.Confidentiality.SCHOOL
CONTACT_FIELDS = [
    "occurred_at",
    "channel",
    "initiated_by",
    "tone",
    "formality",
    "level",
    "purpose",
    "summary",
    "agreed",
    "follow_up_on",
]


def _person_name(row) -> str:
    return f"{row.first_name} {row.last_name}".strip()


def _families_leaving_no_school(school, ids):
    elsewhere = SchoolFamily._base_manager.filter(family=OuterRef("pk")).exclude(school=school)
    return Family._base_manager.filter(pk__in=ids).exclude(Exists(elsewhere))


def contacts_export(asker: Asker) -> ExportPart:
    """The contacts this person took part in, about their own children and shared with the
    whole school; confidential ones and those about another child are counted, not given."""
    contacts = list(
        Contact._base_manager.filter(school=asker.school, family=asker.family, parents=asker.parent)
        .select_related("staff")
        .prefetch_related(Prefetch("children", Child.objects.only("pk")))
        .order_by("occurred_at", "pk")
    )
    confidential = [c for c in contacts if c.confidentiality != SCHOOL_WIDE]
    shared = [c for c in contacts if c.confidentiality == SCHOOL_WIDE]
    others = [c for c in shared if not asker.about_entitled(c)]
    given = [c for c in shared if asker.about_entitled(c)]
    withheld = []
    if confidential:
        withheld.append(
            ("Confidential contacts with this person: review each one", len(confidential))
        )
    if others:
        withheld.append(("Contacts about a child not included above", len(others)))
    return ExportPart(
        records=[
            {**record_in_words(c, CONTACT_FIELDS), "Member of staff": staff_name_or_blank(c.staff)}
            for c in given
        ],
        covered=given,
        withheld=withheld,
    )


def register_records() -> None:
    register(
        FamilyRecord(
            "families.Family",
            "Family details",
            family_lookup="id",
            order=10,
            name=lambda r: r.name,
            page=("families:family-detail", "id"),
            erasures=(
                Erasure(
                    "families",
                    "Families (no other school holds them)",
                    FAMILY,
                    order=100,
                    for_families=_families_leaving_no_school,
                ),
            ),
        )
    )
    register(
        FamilyRecord(
            "families.SchoolFamily",
            "Family at this school",
            family_lookup="family_id",
            school_lookup="school_id",
            order=11,
            name=lambda r: "The family's record at this school",
            page=("families:family-detail", "family_id"),
            erasures=(
                Erasure(
                    "school_families",
                    "Families at the school",
                    FAMILY,
                    order=80,
                    records=lambda s: SchoolFamily._base_manager.filter(school=s),
                ),
            ),
        )
    )
    register(
        FamilyRecord(
            "families.ParentCarer",
            "Parent or carer",
            family_lookup="family_id",
            order=12,
            name=_person_name,
            page=("families:family-detail", "family_id"),
            erasures=(
                Erasure(
                    "parents",
                    "Parents and carers (no other school holds the family)",
                    FAMILY,
                    order=90,
                    for_families=lambda s, ids: ParentCarer._base_manager.filter(
                        family__in=_families_leaving_no_school(s, ids)
                    ),
                ),
            ),
        )
    )
    register(
        FamilyRecord(
            "families.Child",
            "Child",
            family_lookup="family_id",
            school_lookup="school_id",
            order=13,
            name=_person_name,
            page=("families:family-detail", "family_id"),
            erasures=(
                Erasure(
                    "children",
                    "Children (with their parent links)",
                    FAMILY,
                    order=70,
                    records=lambda s: Child._base_manager.filter(school=s),
                ),
            ),
        )
    )
    # Links and restrictions have no page of their own: they are read on the family page (the
    # kind column says which). They go with their child.
    register(
        FamilyRecord(
            "families.ChildParent",
            "Parent–child link",
            family_lookup="child__family_id",
            school_lookup="child__school_id",
            order=14,
            name=lambda r: (
                f"How a parent or carer is linked to a child ({r.get_relationship_display()})"
            ),
        )
    )
    register(
        FamilyRecord(
            "families.Restriction",
            "Restriction",
            family_lookup="link__child__family_id",
            school_lookup="link__child__school_id",
            order=15,
            name=lambda r: f"Restriction dated {day(r.dated)}" if r.dated else "Restriction",
        )
    )
    register(
        FamilyRecord(
            "families.Contact",
            "Contact",
            family_lookup="family_id",
            school_lookup="school_id",
            order=16,
            name=lambda r: f"Contact on {day(r.occurred_at)}",
            page=("families:contact-history", "id"),
            erasures=(
                Erasure(
                    "contacts",
                    "Contacts",
                    ROUTINE,
                    order=10,
                    records=lambda s: Contact._base_manager.filter(
                        school=s, confidentiality=SCHOOL_WIDE
                    ),
                ),
                # Child-protection relevance: shared more narrowly than the whole school.
                Erasure(
                    "protection_contacts",
                    "Child-protection contacts",
                    PROTECTION,
                    order=50,
                    records=lambda s: Contact._base_manager.filter(school=s).exclude(
                        confidentiality=SCHOOL_WIDE
                    ),
                ),
            ),
            export=Export("Contacts", contacts_export, order=10),
        )
    )
    register(
        FamilyRecord(
            "families.ContactAmendment",
            "Contact amendment",
            family_lookup="contact__family_id",
            school_lookup="contact__school_id",
            order=17,
            name=lambda r: f"Amendment to a contact, {day(r.at)}",
            page=("families:contact-history", "contact_id"),
        )
    )
