"""Known dates, so that an upgrade of the `holidays` library that moves them fails here rather
than in a warning about a meeting."""

import datetime

from portal.lib.festivals import CHOICES, FESTIVALS, festival_on, next_dates, spans_in

D = datetime.date


def _covers(key, day):
    """Whether a warning for this festival covers the day (estimates: a day either side)."""
    return festival_on([key], day) is not None


def test_diwali_is_on_its_day_each_year_with_a_day_either_side():
    assert _covers("diwali", D(2027, 10, 29))
    assert _covers("diwali", D(2027, 10, 28)) and _covers("diwali", D(2027, 10, 30))
    assert not _covers("diwali", D(2027, 10, 26))
    assert _covers("diwali", D(2026, 11, 8)) and _covers("diwali", D(2028, 10, 17))
    assert not _covers("diwali", D(2028, 11, 15))


def test_eid_al_fitr_2027_is_around_9_march_with_a_day_either_side():
    assert _covers("eid_al_fitr", D(2027, 3, 8))
    assert _covers("eid_al_fitr", D(2027, 3, 9))
    assert _covers("eid_al_fitr", D(2027, 3, 10))
    assert not _covers("eid_al_fitr", D(2027, 3, 1))
    # Ramadan runs up to the day before Eid.
    first, last = spans_in("ramadan", 2027)[0]
    assert first.month == 2 and last in (D(2027, 3, 7), D(2027, 3, 8))


def test_rosh_hashanah_2027_is_2_and_3_october():
    assert spans_in("rosh_hashanah", 2027) == ((D(2027, 10, 2), D(2027, 10, 3)),)


def test_christmas_and_easter():
    assert spans_in("christmas", 2026) == ((D(2026, 12, 24), D(2026, 12, 26)),)
    # Good Friday to Easter Monday: Easter Sunday 2027 is 28 March.
    assert spans_in("easter", 2027) == ((D(2027, 3, 26), D(2027, 3, 29)),)


def test_a_festival_that_runs_into_the_new_year_counts_in_both():
    assert _covers("hanukkah", D(2027, 12, 28))
    assert _covers("hanukkah", D(2028, 1, 1))


def test_festival_on_names_the_first_of_a_list_that_falls_on_the_day():
    assert festival_on(["christmas", "diwali"], D(2027, 10, 28)) == "Diwali"
    assert festival_on(["christmas", "diwali"], D(2027, 12, 25)) == "Christmas"
    assert festival_on(["christmas"], D(2027, 10, 28)) is None
    assert festival_on([], D(2027, 12, 25)) is None
    assert festival_on(None, D(2027, 12, 25)) is None
    assert festival_on(["not-a-festival"], D(2027, 12, 25)) is None


def test_next_dates_look_ahead_into_next_year():
    assert next_dates("diwali", D(2026, 12, 4)) == (D(2027, 10, 29), D(2027, 10, 29))
    assert next_dates("christmas", D(2026, 12, 25)) == (D(2026, 12, 24), D(2026, 12, 26))


def test_every_festival_has_dates_this_year_and_next():
    assert [key for key, _ in CHOICES] == list(FESTIVALS)
    for key in FESTIVALS:
        assert spans_in(key, 2027), key
        assert next_dates(key, D(2026, 12, 4)) is not None, key
