import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from families.models import DateToAvoid, ParentCarer, SchoolFamily
from meetings.models import Meeting
from meetings.services import meeting_conflicts
from portal.models import CalendarEntry
from tests import factories
from tests.families.test_parent_preferences import FORM
from tests.reads import page_and_reads

D = datetime.date


@pytest.fixture(autouse=True)
def _december_2026():
    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, 0), tick=False):
        yield


def _preferences(fam):
    return reverse("families:parent-preferences", args=[fam.family.pk, fam.mum.pk])


def _dates(fam, parent=None):
    return reverse("families:dates-avoid", args=[fam.family.pk, (parent or fam.mum).pk])


def _remove(fam, row):
    return reverse("families:dates-avoid-remove", args=[fam.family.pk, row.parent_id, row.pk])


def _meeting(cast, fam, day, hour=15):
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))
    return Meeting(
        school=cast.school,
        family=fam.family,
        chair=cast.pastoral,
        starts_at=starts_at,
        duration_minutes=45,
    )


# Festivals, ticked with the parent's preferences


def test_the_preferences_form_offers_festivals_with_their_next_dates(cast, fam, login):
    page = login(cast.pastoral).get(_preferences(fam)).text
    assert "Festivals to avoid" in page
    assert "Diwali (next: 29 October 2027)" in page
    assert 'name="avoid_festivals" value="eid_al_fitr"' in page


def test_staff_tick_a_festival_and_the_family_page_shows_it(cast, fam, login):
    client = login(cast.pastoral)
    response = client.post(_preferences(fam), {**FORM, "avoid_festivals": ["diwali", "easter"]})
    assert response.status_code == 302
    assert ParentCarer.objects.get(pk=fam.mum.pk).avoid_festivals == ["diwali", "easter"]
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Festivals to avoid" in page and "Diwali, Easter" in page
    # Unticking them all keeps an empty list.
    client.post(_preferences(fam), FORM)
    assert ParentCarer.objects.get(pk=fam.mum.pk).avoid_festivals == []


def test_a_festival_that_is_not_offered_is_refused(cast, fam, login):
    response = login(cast.pastoral).post(_preferences(fam), {**FORM, "avoid_festivals": ["x"]})
    assert response.status_code == 200
    assert ParentCarer.objects.get(pk=fam.mum.pk).avoid_festivals == []


# Ranges of days, on their own small page


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_staff_who_keep_preferences_add_and_remove_a_range(cast, fam, login, role):
    client = login(getattr(cast, role))
    assert client.get(_dates(fam)).status_code == 200
    form = {"starts_on": "2027-02-01", "ends_on": "2027-02-14", "words": "Visiting family abroad"}
    response = client.post(_dates(fam), form, follow=True)
    assert "Added: 1 February 2027 to 14 February 2027 for Morven" in response.text
    row = DateToAvoid.objects.get(parent=fam.mum)
    assert (row.starts_on, row.ends_on, row.words) == (
        D(2027, 2, 1),
        D(2027, 2, 14),
        "Visiting family abroad",
    )
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Days to avoid" in page and "1 Feb 2027 to 14 Feb 2027: Visiting family abroad" in page
    response = client.post(_remove(fam, row), follow=True)
    assert "Removed: 1 February 2027" in response.text
    assert not DateToAvoid.objects.exists()


def test_a_range_that_ends_before_it_starts_is_refused(cast, fam, login):
    form = {"starts_on": "2027-02-14", "ends_on": "2027-02-01", "words": ""}
    response = login(cast.pastoral).post(_dates(fam), form)
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.text
    assert not DateToAvoid.objects.exists()


def test_a_teacher_reads_them_and_edits_only_as_key_contact(cast, fam, login):
    row = DateToAvoid.objects.create(parent=fam.mum, starts_on=D(2027, 2, 1), ends_on=D(2027, 2, 2))
    DateToAvoid.objects.create(
        parent=fam.mum, starts_on=D(2027, 1, 5), ends_on=D(2027, 1, 5), words="A | hospital day"
    )
    client = login(cast.teacher)
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "<li>5 Jan 2027: A | hospital day</li><li>1 Feb 2027 to 2 Feb 2027</li>" in page
    assert client.get(_dates(fam)).status_code == 403
    assert client.post(_remove(fam, row)).status_code == 403
    assert DateToAvoid.objects.exists()
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(key_contact=cast.teacher)
    assert client.get(_dates(fam)).status_code == 200


def test_the_family_page_reads_the_ranges_only_where_a_parent_has_some(cast, fam, login):
    """The parents' own read says whether any asked for days to avoid: without any, the family
    page makes no read of them; with some, one read for every parent's."""
    client = login(cast.pastoral)
    url = reverse("families:family-detail", args=[fam.family.pk])

    def range_reads():
        page, reads = page_and_reads(client, url, DateToAvoid)
        return page, len(reads)

    page, reads = range_reads()
    assert reads == 0 and "Days to avoid" not in page
    DateToAvoid.objects.create(parent=fam.mum, starts_on=D(2027, 2, 1), ends_on=D(2027, 2, 2))
    page, reads = range_reads()
    assert reads == 1 and "1 Feb 2027 to 2 Feb 2027" in page


@pytest.mark.parametrize("role", ["outsider_pastoral", "outsider_headteacher"])
def test_another_school_gets_404(cast, fam, login, role):
    row = DateToAvoid.objects.create(parent=fam.mum, starts_on=D(2027, 2, 1), ends_on=D(2027, 2, 2))
    client = login(getattr(cast, role))
    assert client.get(_dates(fam)).status_code == 404
    assert client.post(_remove(fam, row)).status_code == 404
    assert DateToAvoid.objects.exists()


def test_another_familys_parent_or_range_is_not_found(cast, fam, login):
    stranger = factories.ParentCarerFactory(family=factories.FamilyFactory())
    theirs = DateToAvoid.objects.create(
        parent=stranger, starts_on=D(2027, 2, 1), ends_on=D(2027, 2, 2)
    )
    client = login(cast.pastoral)
    assert client.get(_dates(fam, stranger)).status_code == 404
    wrong = reverse("families:dates-avoid-remove", args=[fam.family.pk, fam.mum.pk, theirs.pk])
    assert client.post(wrong).status_code == 404
    assert DateToAvoid.objects.exists()


def test_anonymous_goes_to_login_and_wrong_methods_are_refused(client, cast, fam, login):
    response = client.get(_dates(fam))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    row = DateToAvoid.objects.create(parent=fam.mum, starts_on=D(2027, 2, 1), ends_on=D(2027, 2, 2))
    staff = login(cast.pastoral)
    assert staff.get(_remove(fam, row)).status_code == 405
    assert staff.put(_dates(fam)).status_code == 405


def test_the_page_lists_ranges_in_a_fixed_number_of_queries(
    cast, fam, login, django_assert_max_num_queries
):
    for month in (2, 3, 4):
        DateToAvoid.objects.create(
            parent=fam.mum, starts_on=D(2027, month, 1), ends_on=D(2027, month, 3)
        )
    client = login(cast.pastoral)
    client.get(_dates(fam))
    with django_assert_max_num_queries(16):
        assert client.get(_dates(fam)).status_code == 200


# Warnings when a meeting is planned on a day to avoid


def test_a_meeting_on_diwali_warns_for_a_parent_who_chose_it(cast, fam):
    ParentCarer.objects.filter(pk=fam.mum.pk).update(avoid_festivals=["diwali"])
    warnings = meeting_conflicts(_meeting(cast, fam, D(2027, 10, 28)))
    assert any("Morven" in w and "asked to avoid Diwali" in w for w in warnings)
    assert not any("Duncan" in w for w in warnings)
    assert meeting_conflicts(_meeting(cast, fam, D(2027, 10, 21))) == []


def test_a_meeting_in_a_range_warns_in_the_parents_words(cast, fam):
    DateToAvoid.objects.create(
        parent=fam.dad, starts_on=D(2027, 2, 1), ends_on=D(2027, 2, 14), words="working away"
    )
    warnings = meeting_conflicts(_meeting(cast, fam, D(2027, 2, 10)))
    assert any("Duncan" in w and "asked to avoid working away" in w for w in warnings)


def test_a_meeting_on_a_school_holiday_warns(cast, fam):
    CalendarEntry.objects.create(
        school=cast.school,
        kind=CalendarEntry.Kind.HOLIDAY,
        name="October holiday",
        starts_on=D(2027, 10, 11),
        ends_on=D(2027, 10, 15),
    )
    warnings = meeting_conflicts(_meeting(cast, fam, D(2027, 10, 13)))
    assert any("October holiday (holiday)" in w and "may be closed" in w for w in warnings)
    # Another school's holiday is not this school's.
    CalendarEntry.objects.create(
        school=cast.other_school,
        kind=CalendarEntry.Kind.INSERVICE,
        name="In-service day",
        starts_on=D(2027, 10, 20),
        ends_on=D(2027, 10, 20),
    )
    assert meeting_conflicts(_meeting(cast, fam, D(2027, 10, 20))) == []


def test_the_parents_own_words_still_warn(cast, fam):
    ParentCarer.objects.filter(pk=fam.mum.pk).update(dates_to_avoid="Fridays")
    warnings = meeting_conflicts(_meeting(cast, fam, D(2027, 2, 12)))  # a Friday
    assert any("Morven" in w and "asked to avoid “Fridays”" in w for w in warnings)
