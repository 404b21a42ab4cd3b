"""A parent's link: per adult and purpose, no account; signed, stored as a digest, with an
expiry the school sets; stopped, expired or changed links refused with one plain page; a second
check before anything about a child, locked for an hour after five wrong answers."""

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from family_voice import services
from family_voice.models import ParentLink, Purpose
from tests import factories
from tests.family_voice.conftest import link_path as _path
from tests.family_voice.conftest import make_link as _make

BORN = datetime.date(2016, 9, 14)


def test_staff_make_a_link_from_the_family_page_and_copy_it(cast, fam, login):
    school_family, mum, _dad, meeting = fam
    client = login(cast.pastoral)
    family_page = client.get(reverse("families:family-detail", args=[school_family.family_id]))
    add_url = reverse("family_voice:link-add", args=[school_family.family_id])
    assert add_url in family_page.text
    response = client.post(
        add_url, {"parent": mum.pk, "purpose": Purpose.VIEWS, "meeting": meeting.pk}
    )
    assert response.status_code == 200
    url = re.search(r'value="(http[^"]+/p/[^"]+/)"', response.text).group(1)
    link = ParentLink.objects.get()
    assert (link.parent, link.purpose, link.meeting) == (mum, "views", meeting)
    # The token is nowhere in the database: only a digest of its random part.
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert token not in str(ParentLink.objects.values().get())
    assert len(link.digest) == 64
    # Fourteen days by default.
    assert abs(link.expires_at - (timezone.now() + datetime.timedelta(days=14))).seconds < 60
    listed = client.get(reverse("families:family-detail", args=[school_family.family_id])).text
    assert "Ailsa Rowan" in listed and "Working" in listed


def test_a_meeting_link_needs_the_meeting_and_an_invited_parent(cast, fam, login):
    school_family, _mum, dad, meeting = fam
    client = login(cast.pastoral)
    add_url = reverse("family_voice:link-add", args=[school_family.family_id])
    response = client.post(add_url, {"parent": dad.pk, "purpose": Purpose.VIEWS})
    assert "Choose the meeting this link is about." in response.text
    response = client.post(add_url, {"parent": dad.pk, "purpose": "views", "meeting": meeting.pk})
    assert "Euan Rowan is not invited to this meeting." in response.text
    assert not ParentLink.objects.exists()


def test_the_school_sets_how_long_a_link_lasts(cast, fam):
    cast.school.parent_link_days = 3
    cast.school.save()
    made = _make(cast, fam[1])
    assert made.link.expires_at - made.link.created_at < datetime.timedelta(days=3, minutes=1)


def test_a_link_without_a_child_opens_straight_away_and_counts_the_opening(cast, fam, client):
    made = _make(cast, fam[1])
    response = client.get(_path(made.url))
    assert response.status_code == 200
    assert "Hello Ailsa" in response.text
    assert "How easy is it to talk to the school?" in response.text  # its own page
    assert "sessionid" not in response.cookies  # no parent page sets a session
    assert "no-store" in response["Cache-Control"]
    made.link.refresh_from_db()
    assert made.link.times_opened == 1 and made.link.first_opened_at is not None


@pytest.mark.parametrize("spoil", ["changed", "stopped", "expired", "unknown"])
def test_a_link_that_no_longer_works_gets_one_plain_page(cast, fam, client, spoil):
    made = _make(cast, fam[1])
    url = _path(made.url)
    if spoil == "changed":
        url = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    elif spoil == "stopped":
        services.link_revoke(link=made.link, by=cast.pastoral)
    elif spoil == "unknown":
        ParentLink.objects.all().delete()
    with time_machine.travel(
        timezone.now() + datetime.timedelta(days=15 if spoil == "expired" else 0)
    ):
        response = client.get(url)
    assert response.status_code == 404
    assert "This link does not work" in response.text
    # Nothing about what it was for, or whose it was.
    for detail in ("Ailsa", "Rowan", "how things are", cast.school.name):
        assert detail not in response.text


def test_a_link_about_a_child_asks_the_second_check_and_locks_after_five_wrong(cast, fam, client):
    cast.school.parent_check_by_birth_date = True
    cast.school.save()
    _sf, mum, _dad, meeting = fam
    made = _make(cast, mum, Purpose.VIEWS, meeting)
    url = _path(made.url)
    page = client.get(url)
    assert "Check it is you" in page.text and "Hello Ailsa" not in page.text
    check = reverse("family_voice:check", args=[url.strip("/").rsplit("/", 1)[1]])
    for _ in range(4):
        wrong = client.post(check, {"birth_date": "2016-09-15"})
        assert wrong.status_code == 400 and "That is not right" in wrong.text
    locked = client.post(check, {"birth_date": "2016-09-15"})
    assert locked.status_code == 429 and "paused for an hour" in locked.text
    # Even the right answer waits the hour out.
    assert client.post(check, {"birth_date": BORN.isoformat()}).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        right = client.post(check, {"birth_date": BORN.isoformat()})
        assert right.status_code == 302
        opened = client.get(url)
        assert "Hello Ailsa" in opened.text
        # Forwarded to someone else (another browser): asked again.
        from django.test import Client

        assert "Check it is you" in Client().get(url).text


def test_the_code_is_sent_by_e_mail_and_opens_the_link(cast, fam, client):
    _sf, mum, _dad, meeting = fam
    made = _make(cast, mum, Purpose.SUMMARY, meeting)
    url = _path(made.url)
    check = url + "check/"
    assert "date of birth" not in client.get(url).text  # the school does not allow it
    sent = client.post(check, {"send_code": "1"})
    assert "We have sent a code" in sent.text
    assert mail.outbox[-1].to == ["ailsa@example.org"]
    code = re.search(r"Your code is (\d{6})", mail.outbox[-1].body).group(1)
    assert code not in str(ParentLink.objects.values().get())
    assert client.post(check, {"code": code}).status_code == 302
    opened = client.get(url).text
    assert "Check it is you" not in opened and "The summary is not ready yet" in opened
    # A code works once.
    from django.test import Client

    assert Client().post(check, {"code": code}).status_code == 400


def test_a_parent_with_a_restriction_gets_no_link_about_a_child(cast, fam):
    _sf, mum, _dad, meeting = fam
    mum.child_links.update(restriction="Court order: school reports only.")
    with pytest.raises(Exception, match="recorded restriction"):
        _make(cast, mum, Purpose.VIEWS, meeting)
    # Their own preferences are theirs to keep up to date.
    assert _make(cast, mum, Purpose.PREFERENCES).link.pk


def test_who_may_stop_a_link(cast, fam, login, client):
    school_family, mum, *_ = fam
    school_family.key_contact = cast.teacher
    school_family.save()
    made = _make(cast, mum, by=cast.pastoral)
    stop = reverse("family_voice:link-stop", args=[made.link.pk])
    assert login(cast.teacher).post(stop).status_code == 403
    assert login(cast.headteacher).post(stop).status_code == 302
    made.link.refresh_from_db()
    assert made.link.revoked_at is not None and made.link.revoked_by == cast.headteacher
    client.logout()
    assert client.get(_path(made.url)).status_code == 404


def test_addresses_tried_at_random_are_throttled_but_never_a_real_link(cast, fam, client):
    made = _make(cast, fam[1])
    statuses = [client.get(f"/p/not-a-token-{n}/").status_code for n in range(25)]  # bounded
    assert statuses[:20] == [404] * 20 and set(statuses[20:]) == {429}
    assert "Please wait" in client.get("/p/still-guessing/").text
    # The guessing (from the same connection, e.g. a shared proxy) never holds up a real link.
    assert "Hello Ailsa" in client.get(_path(made.url)).text
    made.link.refresh_from_db()
    assert made.link.times_opened == 1


def test_the_command_prints_a_link_that_opens(cast, fam, client):
    out = io.StringIO()
    call_command("parent_link", "--parent", str(fam[1].pk), "--purpose", "compass", stdout=out)
    assert "Hello Ailsa" in client.get(_path(out.getvalue().strip())).text
    with pytest.raises(CommandError, match="not invited"):
        call_command(
            "parent_link",
            "--parent",
            str(fam[2].pk),
            "--purpose",
            "views",
            "--meeting",
            str(fam[3].pk),
        )


def test_the_family_audit_page_shows_links_made_and_opened(cast, fam, login, client):
    made = _make(cast, fam[1])
    client.get(_path(made.url))
    body = login(cast.headteacher).get(reverse("audit:family-audit", args=[fam[0].family_id])).text
    assert "Link for a parent or carer, made" in body
    assert "Times opened" in body
    # An opening has no member of staff behind it: the page says whose link it was, not
    # "Unknown".
    assert "Whoever opened the parent" in body
    # Each opening is in the access log too, under the parent's name and their link.
    assert "Ailsa Rowan (through their link)" in body


def test_a_restriction_recorded_after_the_link_was_made_stops_it(cast, fam, client):
    cast.school.parent_check_by_birth_date = True
    cast.school.save()
    _sf, mum, _dad, meeting = fam
    made = _make(cast, mum, Purpose.VIEWS, meeting)
    url = _path(made.url)
    assert client.post(url + "check/", {"birth_date": BORN.isoformat()}).status_code == 302
    assert "Hello Ailsa" in client.get(url).text
    mum.child_links.update(restriction="Court order: school reports only.")
    assert client.get(url).status_code == 404


def test_the_check_of_one_link_opens_no_other(cast, fam, client):
    cast.school.parent_check_by_birth_date = True
    cast.school.save()
    _sf, mum, _dad, meeting = fam
    first = _path(_make(cast, mum, Purpose.VIEWS, meeting).url)
    second = _path(_make(cast, mum, Purpose.SUMMARY, meeting).url)
    assert client.post(first + "check/", {"birth_date": BORN.isoformat()}).status_code == 302
    assert "Hello Ailsa" in client.get(first).text
    assert "Check it is you" in client.get(second).text


def test_wrong_codes_count_and_ten_wrong_answers_stop_the_link_for_good(cast, fam, client):
    _sf, mum, _dad, meeting = fam
    made = _make(cast, mum, Purpose.SUMMARY, meeting)
    check = _path(made.url) + "check/"
    client.post(check, {"send_code": "1"})
    for _ in range(4):
        assert client.post(check, {"code": "000000"}).status_code == 400
    assert client.post(check, {"code": "000000"}).status_code == 429  # paused for an hour
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        for _ in range(4):
            client.post(check, {"code": "000000"})
        # The tenth wrong answer in all: the link stops, and stays stopped.
        assert client.post(check, {"code": "000000"}).status_code == 404
    made.link.refresh_from_db()
    assert made.link.revoked_at is not None and made.link.wrong_answers == 10


def test_a_new_code_at_most_once_a_minute_and_a_code_lasts_fifteen_minutes(cast, fam, client):
    _sf, mum, _dad, meeting = fam
    check = _path(_make(cast, mum, Purpose.SUMMARY, meeting).url) + "check/"
    client.post(check, {"send_code": "1"})
    again = client.post(check, {"send_code": "1"})
    assert "less than a minute ago" in again.text and len(mail.outbox) == 1
    code = re.search(r"Your code is (\d{6})", mail.outbox[-1].body).group(1)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert client.post(check, {"code": code}).status_code == 400


def test_a_meeting_link_needs_responsibility_for_the_meetings_own_children(cast, fam):
    school_family, mum, _dad, meeting = fam
    stepchild = factories.ChildFactory(school=cast.school, family=school_family.family)
    factories.ChildParentFactory(
        child=stepchild, parent=mum, relationship="step_parent", parental_responsibility=False
    )
    meeting.children.set([stepchild])
    with pytest.raises(Exception, match="parental responsibility"):
        _make(cast, mum, Purpose.VIEWS, meeting)
    # Nor a child of the meeting they have no link to at all (another adult's child).
    theirs = factories.ChildFactory(school=cast.school, family=school_family.family)
    isla = mum.child_links.get(parental_responsibility=True).child
    meeting.children.set([isla, theirs])
    with pytest.raises(Exception, match="parental responsibility"):
        _make(cast, mum, Purpose.VIEWS, meeting)
    meeting.children.set([isla])
    assert _make(cast, mum, Purpose.VIEWS, meeting).link.pk


def test_a_parents_pages_leave_a_signed_in_member_of_staff_out_of_it(cast, fam, login):
    client = login(cast.headteacher)
    made = _make(cast, fam[1])
    assert "Hello Ailsa" in client.get(_path(made.url)).text
    opened = made.link.history.filter(history_type="~").get()
    assert opened.history_user_id is None  # the parent opened it, not the headteacher


def test_a_link_never_reaches_the_log(cast, fam, client, caplog):
    made = _make(cast, fam[1])
    token = _path(made.url).strip("/").rsplit("/", 1)[1]
    services.link_revoke(link=made.link, by=cast.pastoral)
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(_path(made.url)).status_code == 404
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "/p/" in logged and token not in logged


def test_the_form_sent_twice_makes_one_link(cast, fam, login):
    school_family, mum, *_ = fam
    client = login(cast.pastoral)
    add_url = reverse("family_voice:link-add", args=[school_family.family_id])
    token = re.search(r'name="form_token" value="([^"]+)"', client.get(add_url).text).group(1)
    data = {"parent": mum.pk, "purpose": Purpose.COMPASS, "form_token": token}
    assert client.post(add_url, data).status_code == 200
    again = client.post(add_url, data)
    assert again.status_code == 302 and again["Location"].endswith("#parent-links")
    assert ParentLink.objects.count() == 1


def test_only_those_who_may_change_a_meeting_send_a_link_about_it(cast, fam, login):
    school_family, mum, _dad, meeting = fam
    school_family.key_contact = cast.teacher
    school_family.save()
    add_url = reverse("family_voice:link-add", args=[school_family.family_id])
    data = {"parent": mum.pk, "purpose": Purpose.VIEWS, "meeting": meeting.pk}
    refused = login(cast.teacher).post(add_url, data)
    assert "Only the meeting&#x27;s chair" in refused.text
    assert not ParentLink.objects.exists()
    assert login(cast.pastoral).post(add_url, data).status_code == 200
    assert ParentLink.objects.count() == 1


def test_a_summary_for_a_parent_who_prefers_things_spoken_is_also_a_phone_call(cast, fam, login):
    from meetings.models import FollowUp

    school_family, mum, dad, meeting = fam
    school_family.key_contact = cast.teacher
    school_family.save()
    mum.reading = mum.Reading.SPOKEN
    mum.save()
    client = login(cast.pastoral)
    made = client.post(
        reverse("family_voice:link-add", args=[school_family.family_id]),
        {"parent": mum.pk, "purpose": Purpose.SUMMARY, "meeting": meeting.pk},
    )
    assert "a phone call to go through the summary" in made.text
    call = FollowUp.objects.get(meeting=meeting)
    assert (call.owner, call.channel, call.done_at) == (cast.teacher, "phone", None)
    # A second link for the same meeting does not make a second call; a reader gets none.
    _make(cast, mum, Purpose.SUMMARY, meeting)
    factories.MeetingParentFactory(meeting=meeting, parent=dad)
    _make(cast, dad, Purpose.SUMMARY, meeting)
    assert FollowUp.objects.filter(meeting=meeting).count() == 1
