import datetime

from portal.lib.terms import term_containing, year_containing


def test_terms_follow_the_uk_school_year():
    spring = term_containing(datetime.date(2026, 3, 10))
    summer = term_containing(datetime.date(2026, 5, 1))
    autumn = term_containing(datetime.date(2026, 9, 1))
    assert (spring.start, spring.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 4, 1))
    assert (summer.start, summer.end) == (datetime.date(2026, 4, 1), datetime.date(2026, 8, 1))
    assert (autumn.start, autumn.end) == (datetime.date(2026, 8, 1), datetime.date(2027, 1, 1))
    assert autumn.label == "Autumn term 2026"


def test_the_school_year_starts_in_august():
    assert year_containing(datetime.date(2026, 7, 31)).start == datetime.date(2025, 8, 1)
    assert year_containing(datetime.date(2026, 8, 1)).label == "School year 2026–27"


def test_a_school_with_only_an_autumn_term_recorded_goes_back_to_the_usual_terms(db):
    from portal.lib.terms import term_containing
    from portal.models import CalendarEntry
    from tests import factories

    school = factories.SchoolFactory()
    CalendarEntry.objects.create(
        school=school,
        kind="term",
        name="Autumn term",
        starts_on=datetime.date(2026, 8, 19),
        ends_on=datetime.date(2026, 12, 18),
    )
    assert term_containing(datetime.date(2026, 12, 28), school).start == datetime.date(2026, 8, 19)
    # Well past the autumn term's end, with no spring term recorded: the usual spring term.
    assert term_containing(datetime.date(2027, 2, 10), school).start == datetime.date(2027, 1, 1)
