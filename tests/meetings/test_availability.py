"""Reading parents' own words about good times and dates to avoid."""

import datetime

import pytest

from meetings.availability import clashes_with_dates_to_avoid, outside_good_times

TUESDAY_10 = datetime.datetime(2026, 11, 24, 10, 0)
TUESDAY_1530 = datetime.datetime(2026, 11, 24, 15, 30)


def _span(start, minutes=45):
    return start, start + datetime.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("words", "start", "outside"),
    [
        ("weekdays after 3pm", TUESDAY_10, True),
        ("weekdays after 3pm", TUESDAY_1530, False),
        ("mornings", TUESDAY_10, False),
        ("mornings", TUESDAY_1530, True),
        ("Tuesdays and Thursdays, 9-11am", TUESDAY_10, False),
        ("Mondays only", TUESDAY_10, True),
        ("not Tuesdays", TUESDAY_10, True),
        ("before 2pm", TUESDAY_10, False),
        ("whenever suits, just ask", TUESDAY_10, None),
        ("", TUESDAY_10, None),
    ],
)
def test_good_times(words, start, outside):
    assert outside_good_times(words, *_span(start)) is outside


@pytest.mark.parametrize(
    ("words", "clash"),
    [
        ("Fridays", False),
        ("Tuesdays (work)", True),
        ("Eid (24 November)", True),
        ("23-25 Nov", True),
        ("24/11", True),
        ("2026-11-24", True),
        ("1 December", False),
        ("", False),
    ],
)
def test_dates_to_avoid(words, clash):
    assert clashes_with_dates_to_avoid(words, TUESDAY_10.date()) is clash
