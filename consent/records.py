"""The consents to share kept about a family, registered for the audit page
(portal.family_records). They are not yet in retention or the subject access copy: adding an
`erasures` and an `export` here is all either would take."""

from __future__ import annotations

from portal.family_records import FamilyRecord, register
from portal.lib.words import day


def register_records() -> None:
    register(
        FamilyRecord(
            "consent.Consent",
            "Consent to share",
            family_lookup="family_id",
            school_lookup="school_id",
            order=50,
            name=lambda r: f"Consent to share with {r.organisation}, given {day(r.given_on)}",
            page=("families:family-detail", "family_id"),
        )
    )
