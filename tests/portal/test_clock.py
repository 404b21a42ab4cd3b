"""Every time of day reads the same way: "9:30 a.m.", "3 p.m.", in the school's time zone."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template

from portal.lib import clock

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [
        (9, 30, "9:30 a.m."),
        (15, 0, "3 p.m."),
        (9, 5, "9:05 a.m."),
        (12, 0, "12 noon"),
        (12, 30, "12:30 p.m."),
        (0, 0, "12 midnight"),
        (0, 15, "12:15 a.m."),
        (23, 45, "11:45 p.m."),
    ],
)
def test_a_time_reads_once_in_british_style(hour, minute, words):
    assert clock.time_of_day(datetime.datetime(2026, 3, 2, hour, minute, tzinfo=LONDON)) == words
    assert clock.time_of_day(datetime.time(hour, minute)) == words


def test_a_time_stored_in_utc_reads_in_the_schools_time_zone():
    summer = datetime.datetime(2026, 7, 6, 8, 30, tzinfo=datetime.UTC)  # 9:30 a.m. in London
    assert clock.time_of_day(summer) == "9:30 a.m."
    assert clock.day_and_time(summer) == "Monday 6 July 2026 at 9:30 a.m."


def test_the_template_filters_say_the_same_as_the_helper():
    at = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=LONDON)
    text = Template("{% load clock %}{{ at|clock }}|{{ at|day_and_time }}|{{ none|clock }}").render(
        Context({"at": at, "none": None})
    )
    assert text == "3 p.m.|Monday 2 March 2026 at 3 p.m.|"
