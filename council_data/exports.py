"""The council's figures written out: one JSON document, or one long CSV table (a row per
school, measure and group), both from council_data.figures.Export. A hidden count is null in
JSON and reads HIDDEN in the CSV, as on the screen."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from council_data.figures import (
    COMPLAINT_PARTS,
    DAY,
    HIDDEN,
    MEETING_KINDS,
    NOT_YET_AVAILABLE,
    REACH_PARTS,
    SCHEMA_VERSION,
    SUPPRESS_BELOW,
    Export,
    SchoolFigures,
)
from portal.lib.spreadsheets import csv_response

CSV_HEADER = [
    "period_start",
    "period_end",
    "school_id",
    "school",
    "measure",
    "group",
    "value",
    "number",
]
SUPPRESSION_WORDS = (
    f"Counts below {SUPPRESS_BELOW} are hidden, and so is another count wherever a hidden one "
    "could be worked out from a total. A hidden count is null here (and reads "
    f"“{HIDDEN}” in the CSV), whatever its size. A median is given only where at least "
    f"{SUPPRESS_BELOW} responses lie behind it."
)


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _last_day(export: Export):
    return export.period.end - DAY


def _balance(counts: dict) -> dict:
    """A contact table for JSON: counts (None hidden), None too where not yet added up."""
    return {k: None if v == NOT_YET_AVAILABLE else v for k, v in counts.items()}


def _school_json(row: SchoolFigures) -> dict:
    return {
        **({"id": row.id} if row.id is not None else {}),
        "name": row.name,
        "families_by_region": row.regions,
        "contact_balance": {
            "status": "available" if row.balance_available else NOT_YET_AVAILABLE,
            "tone": _balance(row.tone),
            "formality": _balance(row.formality),
        },
        "meetings_held": row.meetings,
        "complaints": row.complaints,
        "parents_evening": {"first_day": _day(row.evening_day), **row.reach},
    }


def as_json(export: Export) -> dict:
    """The whole export as JSON-ready data (docs/council-data.md describes every field)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "authority": {"id": export.authority.pk, "name": export.authority.name},
        "period": {
            "key": export.period.key,
            "label": export.period.label,
            "start": export.period.start.isoformat(),
            "end": _last_day(export).isoformat(),
        },
        "generated_at": timezone.localtime(export.generated_at).isoformat(),
        "suppression": {
            "threshold": SUPPRESS_BELOW,
            "hidden": None,
            "hidden_in_csv": HIDDEN,
            "explained": SUPPRESSION_WORDS,
        },
        "contact_balance_as_of": (
            timezone.localtime(export.balance_as_of).isoformat() if export.balance_as_of else None
        ),
        "complaint_response_target_days": export.response_target_days,
        "region_names": export.region_columns,
        "meeting_kinds": dict(MEETING_KINDS),
        "schools": [_school_json(row) for row in export.schools],
        "all_schools": _school_json(export.total),
    }


def json_response(export: Export, filename: str | None = None) -> JsonResponse:
    response = JsonResponse(as_json(export), json_dumps_params={"ensure_ascii": False})
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


def _cells(row: SchoolFigures):
    """(measure, group, value) for one school, in a fixed order."""
    n: int | float | str | None
    for label, n in row.regions.items():
        yield "families by compass region", "all families" if label == "all" else label, n
    for key, n in row.tone.items():
        yield "contacts by tone", key, n
    for key, n in row.formality.items():
        yield "contacts by formality", key, n
    kinds = dict(MEETING_KINDS) | {"all": "all"}
    for key, n in row.meetings.items():
        yield "meetings held", kinds[key], n
    complaint_parts = dict(COMPLAINT_PARTS) | {
        "received": "received",
        "median_days_to_first_response": "median days to first response",
    }
    for key, n in row.complaints.items():
        yield "complaints", complaint_parts[key], n
    yield "parents' evening", "first day", _day(row.evening_day) or ""
    reach_parts = dict(REACH_PARTS) | {"invited": "invited", "booked": "booked"}
    for key, n in row.reach.items():
        yield "parents' evening families", reach_parts[key], n


def csv_rows(export: Export) -> list[list]:
    start, end = export.period.start.isoformat(), _last_day(export).isoformat()
    rows = []
    for school in export.rows:
        for measure, group, value in _cells(school):
            number = value if isinstance(value, int | float) else ""
            shown = HIDDEN if value is None else value
            school_id = "" if school.id is None else school.id
            rows.append([start, end, school_id, school.name, measure, group, shown, number])
    return rows


def csv_download(export: Export, filename: str) -> HttpResponse:
    return csv_response(filename, CSV_HEADER, csv_rows(export))


def filename_for(export: Export) -> str:
    return f"council-figures-{export.period.key}-{export.period.start:%Y-%m-%d}"
