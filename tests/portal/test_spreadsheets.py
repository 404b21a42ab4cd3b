"""Every CSV download goes through portal.lib.spreadsheets: cells that would run as formulas
in a spreadsheet are defused, numbers stay numbers."""

import csv
import io

from portal.lib.spreadsheets import cell, csv_response


def test_text_that_would_start_a_formula_is_kept_as_text():
    for typed in ("=HYPERLINK(1)", "+44 7700", "-1+1", "@SUM(A1)", "\tTab", "\rReturn"):
        assert cell(typed) == "'" + typed
    assert cell("Nothing odd") == "Nothing odd"
    assert cell(None) == ""
    assert cell(-3) == -3  # a figure, not text a person typed


def test_the_response_is_a_named_download_with_every_cell_safe():
    response = csv_response("figures", ["what", "how many"], [["=1+1", 2], [None, -1]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="figures.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["what", "how many"], ["'=1+1", "2"], ["", "-1"]]
