"""CSV downloads, written one way: every export of the portal is a `csv_response`, and every
cell goes through `cell`, so no value a person typed can run as a formula in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """`value` safe to put in a spreadsheet: text that would start a formula gets a leading
    apostrophe (which spreadsheets show as plain text); None is empty; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A download named `<filename>.csv`: the header, then each row, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return response
