"""The authorisation matrix's rows for school_systems (how to read a row: see
test_authorisation_matrix.py)."""

from __future__ import annotations

from tests.security.matrix import R


def _roster_import(s):
    """A OneRoster import of the school (admin pages only: no kind of record of matrix_world)."""
    from school_systems.models import RosterImport

    row, _ = RosterImport.objects.get_or_create(school=s.school, source="csv", name="m.zip")
    return {"pk": row.pk}


# OneRoster CSV import in admin: for superusers and staff granted the import permissions, as the
# families CSV import (tests/school_systems/test_import_admin.py covers them and other schools').
ROSTER_CSV_ROWS = [
    R("admin:school_systems_rosterimport_changelist", None, "302 302 302 302 403"),
    R("admin:school_systems_rosterimport_upload", None, "302 302 302 302 403"),
    R(
        "admin:school_systems_rosterimport_report",
        _roster_import,
        "302 302 302 302 403",
        scope="all",
    ),
    R(
        "admin:school_systems_rosterimport_confirm",
        _roster_import,
        "302 302 302 302 403",
        method="POST",
        scope="all",
    ),
]

# OneRoster REST sources: scoped as the imports are (test_api_admin.py covers staff granted the
# permissions, and another school's source); the Administrators group may not import, so 403.
ROSTER_SOURCE_ROWS = [
    R("admin:school_systems_rostersource_changelist", None, "302 302 302 302 403"),
    R("admin:school_systems_rostersource_add", None, "302 302 302 302 403"),
]

SCHOOL_SYSTEMS_ROWS: list = [*ROSTER_CSV_ROWS, *ROSTER_SOURCE_ROWS]
