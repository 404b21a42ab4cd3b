"""A OneRoster grade as a Scottish school writes its year group (school_systems/roster_import.py):
school systems export grades in many forms, US and UK."""

from __future__ import annotations

import re

from portal.models import School


def year_group(grade: str, stage: str) -> str:
    """A OneRoster grade as the school's stage writes a year group: P1–P7 at primary, S1–S6 at
    secondary, Nursery. Accepts "P4", "S3", "Y4"/"Year 4", and numbers ("04"); numbers at a
    secondary school above 6 are read as US grades (07 is S1). Anything else is kept as given."""
    text = grade.strip()
    compact = re.sub(r"[\s_-]+", "", text).upper()
    if not compact:
        return ""
    if compact in {"PK", "PS", "PR", "IT", "TK", "N", "N1", "N2", "NURSERY", "EY", "ELC"}:
        return "Nursery"
    if compact in {"KG", "K", "R", "RECEPTION"}:
        return "S1" if stage == School.Stage.SECONDARY else "P1"
    match = re.fullmatch(r"(P|S|PRIMARY|SECONDARY)(\d{1,2})", compact)
    if match:
        letter = "S" if match[1].startswith("S") else "P"
        return f"{letter}{int(match[2])}"
    match = re.fullmatch(r"(Y|YR|YEAR|GRADE|G)?(\d{1,2})", compact)
    if match:
        number = int(match[2])
        if stage == School.Stage.SECONDARY:
            return f"S{number - 6 if number > 6 else number}"
        return f"P{number}" if number else "P1"
    return text[:20]
