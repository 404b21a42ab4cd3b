"""A home–school note, both ways: a parent writes to their key contact through any link (told
first who will read it), each note is a contact in the chronology, staff answer from the family
page, and the parent reads the answer on a link that asked the second check."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from families.models import Contact, SchoolFamily
from family_voice import notes
from family_voice.models import HomeSchoolNote, Purpose
from family_voice.views.staff_notes import notes_section
from tests import factories
from tests.family_voice.conftest import link_path, make_link

WORDS = "Isla was upset about PE on Monday. Could we talk about it?"


def _key_contact(school_family, user):
    school_family.key_contact = user
    school_family.save(update_fields=["key_contact"])


def _checked(client, url) -> str:
    """Answers the link's second check on this client; returns the link's path."""
    path = link_path(url)
    client.post(path + "check/", {"send_code": "1"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post(path + "check/", {"code": code}).status_code == 302
    return path


def _write(client, path, words=WORDS):
    return client.post(path + "note/", {"words": words})


def test_a_parent_writes_to_their_key_contact_and_it_is_a_contact_in_the_chronology(
    cast, fam, client, login
):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    path = link_path(make_link(cast, mum).url)  # a compass link: no second check
    page = client.get(path + "note/")
    assert page.status_code == 200
    assert "Teacher" in page.text and "your child's key contact, will read this" in page.text
    assert "the school's pastoral team will read it too" in page.text
    assert "999" in page.text and "2 school days" in page.text
    sent = _write(client, path)
    assert sent.status_code == 302 and sent["Location"].endswith("/note/?sent=1")
    assert "Thank you. We have your note." in client.get(sent["Location"]).text

    note = HomeSchoolNote.objects.get()
    assert (note.parent, note.staff, note.written_by, note.words) == (
        mum,
        cast.teacher,
        "parent",
        WORDS,
    )
    contact = note.contact
    assert contact.channel == Contact.Channel.LINK
    assert contact.initiated_by == Contact.InitiatedBy.FAMILY
    assert (contact.staff, contact.summary, contact.tone) == (cast.teacher, WORDS, "neutral")
    assert list(contact.parents.all()) == [mum]
    # Written by the parent through their link: no member of staff is its author.
    assert contact.history.get().history_user is None
    assert note.history.get().history_user is None
    # Counted in the family's balance.
    assert SchoolFamily.objects.get(pk=school_family.pk).neutral_count == 1

    family_page = login(cast.pastoral).get(
        reverse("families:family-detail", args=[school_family.family_id])
    )
    assert family_page.text.count(WORDS) == 2  # the notes block and the chronology
    assert "In Ailsa Rowan's own words, through their link" in family_page.text
    # A compass link asks no check: staff are told whoever held it could have written it.
    assert 'data-testid="unchecked-note"' in family_page.text


def test_the_same_note_sent_twice_is_kept_once(cast, fam, client):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    path = link_path(make_link(cast, mum).url)
    _write(client, path)
    _write(client, path)
    assert HomeSchoolNote.objects.count() == 1 and Contact.objects.count() == 1


def test_with_no_key_contact_the_pastoral_lead_reads_it(cast, fam, client):
    _school_family, mum, _dad, _meeting = fam
    cast.school.pastoral_lead = cast.pastoral
    cast.school.save(update_fields=["pastoral_lead"])
    path = link_path(make_link(cast, mum).url)
    page = client.get(path + "note/")
    assert "Pastoral" in page.text and "Riverside Primary will read this" in page.text
    _write(client, path)
    assert HomeSchoolNote.objects.get().staff == cast.pastoral


def test_with_nobody_to_read_it_the_parent_is_asked_to_phone(cast, fam, client):
    _school_family, mum, _dad, _meeting = fam
    cast.school.phone = "0131 496 0000"
    cast.school.save(update_fields=["phone"])
    path = link_path(make_link(cast, mum).url)
    page = client.get(path + "note/")
    assert "Please phone the school on 0131 496 0000." in page.text
    assert "<textarea" not in page.text
    assert "Please phone the school" in _write(client, path).text
    assert not HomeSchoolNote.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("   ", "Please write your note first."),
        ("x" * 2001, "Please make your note shorter."),
        ("lines\r\n" * 350, "Please make your note shorter."),  # 2,099 with breaks as one
        ("x" * 5000, "Please make your note shorter."),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_an_empty_or_too_long_note_gives_a_message_and_saves_nothing(
    cast, fam, client, words, message
):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    path = link_path(make_link(cast, mum).url)
    response = _write(client, path, words)
    assert response.status_code == 400
    assert message in response.text
    if words.startswith("x"):
        assert words in response.text  # what they typed is kept
    assert not HomeSchoolNote.objects.exists() and not Contact.objects.exists()


def test_a_compass_link_shows_the_form_and_no_thread(cast, fam, client):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    path = link_path(make_link(cast, mum).url)
    _write(client, path)
    notes.note_reply(
        school_family=school_family, parent=mum, staff=cast.teacher, words="Thanks, I will ring."
    )
    page = client.get(path + "note/?sent=1")
    assert "Thank you" in page.text and "<textarea" in page.text
    assert WORDS not in page.text and "Thanks, I will ring." not in page.text
    assert "Your notes with the school" not in page.text


def test_a_staff_answer_shows_to_the_parent_on_a_views_link(cast, fam, client, login):
    school_family, mum, _dad, meeting = fam
    _key_contact(school_family, cast.teacher)
    url = make_link(cast, mum, Purpose.VIEWS, meeting).url
    # Before the second check, the note page goes to the check.
    assert client.get(link_path(url) + "note/")["Location"] == link_path(url)
    path = _checked(client, url)
    _write(client, path)
    note = HomeSchoolNote.objects.get()
    assert note.meeting == meeting  # a note from a meeting's link is about it

    staff = login(cast.teacher)
    family_url = reverse("families:family-detail", args=[school_family.family_id])
    first_look = staff.get(family_url).text
    assert "New" in first_look
    assert 'data-testid="unchecked-note"' not in first_look  # a checked link: no warning
    reply_url = reverse("family_voice:note-reply", args=[school_family.family_id])
    answered = staff.post(reply_url, {"parent": mum.pk, "words": "Thank you. I rang PE."})
    assert answered.status_code == 302
    answer = HomeSchoolNote.objects.get(written_by="school")
    assert (answer.staff, answer.parent, answer.read_at) == (cast.teacher, mum, None)
    assert answer.contact.initiated_by == "school" and answer.contact.channel == "link"
    assert HomeSchoolNote.objects.get(pk=note.pk).read_at is not None

    page = client.get(path + "note/")
    assert "Thank you. I rang PE." in page.text and WORDS in page.text
    assert "Teacher" in page.text and "New" in page.text
    answer.refresh_from_db()
    assert answer.read_at is not None  # seen through the link: staff see it was read
    assert "Seen by Ailsa Rowan" in staff.get(family_url).text


def test_only_a_parent_who_wrote_can_be_answered(cast, fam, login):
    school_family, mum, dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    notes.note_from_parent(link=make_link(cast, mum).link, words=WORDS)
    client = login(cast.teacher)
    reply_url = reverse("family_voice:note-reply", args=[school_family.family_id])
    response = client.post(reply_url, {"parent": dad.pk, "words": "Hello"})
    assert response.status_code == 200 and "who has written can be answered" in response.text
    response = client.post(reply_url, {"parent": mum.pk, "words": "  "})
    assert "Write your answer first." in response.text
    assert HomeSchoolNote.objects.filter(written_by="school").count() == 0


TUESDAY_EVENING = datetime.datetime(2026, 5, 5, 19, 0)
WEDNESDAY_MORNING = datetime.datetime(2026, 5, 6, 8, 0)


def _local(moment):
    return timezone.make_aware(moment)


def test_a_new_note_shows_on_the_key_contacts_home_page_after_quiet_hours(cast, fam, client):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    with time_machine.travel(_local(TUESDAY_EVENING), tick=False):
        notes.note_from_parent(link=make_link(cast, mum).link, words=WORDS)
        client.force_login(cast.teacher)
        assert "New notes from parents" not in client.get(reverse("home")).text
    note = HomeSchoolNote.objects.get()
    assert note.tell_after == _local(datetime.datetime(2026, 5, 6, 7, 30))
    with time_machine.travel(_local(WEDNESDAY_MORNING), tick=False):
        client.force_login(cast.teacher)
        home = client.get(reverse("home")).text
        assert "New notes from parents (1)" in home and "Ailsa Rowan" in home
        assert "Isla was upset about PE" in home
        client.force_login(cast.pastoral)
        assert "New notes from parents" not in client.get(reverse("home")).text  # not theirs
        # Once the key contact opens the family page, the note is read and leaves the panel.
        client.force_login(cast.teacher)
        client.get(reverse("families:family-detail", args=[school_family.family_id]))
        assert "New notes from parents" not in client.get(reverse("home")).text


def test_the_command_emails_the_key_contact_once_after_quiet_hours(cast, fam):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    with time_machine.travel(_local(TUESDAY_EVENING), tick=False):
        notes.note_from_parent(link=make_link(cast, mum).link, words=WORDS)
        call_command("tell_staff_of_notes")
        assert mail.outbox == []
    with time_machine.travel(_local(WEDNESDAY_MORNING), tick=False):
        call_command("tell_staff_of_notes")
        call_command("tell_staff_of_notes")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [cast.teacher.email] and "A parent has written to you" in sent.subject
    body = sent.body + sent.alternatives[0][0]
    assert "Isla" not in body and "upset" not in body and "Rowan" not in body
    assert reverse("families:family-detail", args=[school_family.family_id]) in body
    assert HomeSchoolNote.objects.get().told_at == _local(WEDNESDAY_MORNING)


def test_moving_a_note_to_confidential_hides_it_from_a_teacher(cast, fam, login):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.pastoral)
    class_group = factories.ClassGroupFactory(school=cast.school)
    class_group.staff.add(cast.teacher)
    school_family.family.children.update(class_group=class_group)
    note = notes.note_from_parent(link=make_link(cast, mum).link, words=WORDS)
    family_url = reverse("families:family-detail", args=[school_family.family_id])
    keep_url = reverse("family_voice:note-confidential", args=[note.pk])

    teacher = login(cast.teacher)
    assert WORDS in teacher.get(family_url).text
    assert teacher.post(keep_url, {"level": "pastoral", "reason": "A worry"}).status_code == 403

    pastoral = login(cast.pastoral)
    assert keep_url in pastoral.get(family_url).text
    refused = pastoral.post(keep_url, {"level": "pastoral", "reason": " "})
    assert refused.status_code == 200 and "Say why" in refused.text
    moved = pastoral.post(keep_url, {"level": "pastoral", "reason": "A worry about home"})
    assert moved.status_code == 302
    contact = Contact.objects.get(pk=note.contact_id)
    assert contact.confidentiality == "pastoral"
    assert contact.confidentiality_reason == "A worry about home"
    assert contact.history.latest().history_user == cast.pastoral
    assert WORDS in pastoral.get(family_url).text

    teacher = login(cast.teacher)
    assert WORDS not in teacher.get(family_url).text
    assert teacher.post(keep_url, {"level": "named", "reason": "A worry"}).status_code == 404


def test_a_teacher_of_another_school_gets_404(cast, fam, login):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    note = notes.note_from_parent(link=make_link(cast, mum).link, words=WORDS)
    for user in (cast.outsider_teacher, cast.outsider_pastoral):
        client = login(user)
        reply = client.post(
            reverse("family_voice:note-reply", args=[school_family.family_id]),
            {"parent": mum.pk, "words": "Hello"},
        )
        keep = client.post(
            reverse("family_voice:note-confidential", args=[note.pk]),
            {"level": "pastoral", "reason": "Why"},
        )
        assert (reply.status_code, keep.status_code) == (404, 404)
    assert HomeSchoolNote.objects.count() == 1


def test_the_notes_block_reads_a_fixed_number_of_queries(
    cast, fam, login, django_assert_max_num_queries
):
    school_family, mum, dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    client = login(cast.teacher)
    family_url = reverse("families:family-detail", args=[school_family.family_id])

    rounds = iter(range(10))
    # One link each: the family page's list of links is not what is measured here.
    links = {parent: make_link(cast, parent).link for parent in (mum, dad)}

    def write_some():
        n = next(rounds)
        for parent in (mum, dad):
            notes.note_from_parent(link=links[parent], words=f"{parent} ({n}): {WORDS}")
            notes.note_reply(
                school_family=school_family, parent=parent, staff=cast.teacher, words="Thanks"
            )

    write_some()
    client.get(family_url)  # marks the first notes read
    write_some()
    with CaptureQueriesContext(connection) as few:
        assert client.get(family_url).status_code == 200
    write_some()
    write_some()
    with CaptureQueriesContext(connection) as many:
        page = client.get(family_url)
    assert "And 8 earlier notes" in page.text
    assert len(many) == len(few)

    request = RequestFactory().get(family_url)
    request.user, request.school = cast.teacher, cast.school
    row = SchoolFamily.objects.for_family_page().get(pk=school_family.pk)
    with django_assert_max_num_queries(6):
        context = notes_section(request, row)
    assert len(context["notes"]) == 8 and len(context["answer_forms"]) == 2


# School.quiet_ends: evenings from quiet_from, mornings to quiet_until, and all weekend.
@pytest.mark.parametrize(
    ("when", "ends"),
    [
        (datetime.datetime(2026, 5, 5, 19, 0), datetime.datetime(2026, 5, 6, 7, 30)),  # Tue eve
        (datetime.datetime(2026, 5, 6, 6, 15), datetime.datetime(2026, 5, 6, 7, 30)),  # Wed early
        (datetime.datetime(2026, 5, 8, 21, 0), datetime.datetime(2026, 5, 11, 7, 30)),  # Fri night
        (datetime.datetime(2026, 5, 9, 12, 0), datetime.datetime(2026, 5, 11, 7, 30)),  # Saturday
        (datetime.datetime(2026, 5, 10, 23, 0), datetime.datetime(2026, 5, 11, 7, 30)),  # Sun
        (datetime.datetime(2026, 5, 11, 6, 0), datetime.datetime(2026, 5, 11, 7, 30)),  # Mon early
        (datetime.datetime(2026, 5, 6, 10, 0), None),  # a Wednesday morning: not quiet
        (datetime.datetime(2026, 5, 8, 17, 59), None),  # Friday before six
        (datetime.datetime(2026, 5, 6, 7, 30), None),  # quiet hours just ended
    ],
)
def test_quiet_hours_end_the_next_school_morning(db, when, ends):
    school = factories.SchoolFactory()
    expected = _local(ends) if ends else None
    assert school.quiet_ends(_local(when)) == expected


def test_quiet_hours_within_one_night(db):
    school = factories.SchoolFactory(quiet_from=datetime.time(0, 0), quiet_until=datetime.time(6))
    assert school.quiet_ends(_local(datetime.datetime(2026, 5, 6, 3))) == _local(
        datetime.datetime(2026, 5, 6, 6)
    )
    assert school.quiet_ends(_local(datetime.datetime(2026, 5, 6, 22))) is None


def _base(token, cookies=None) -> str:
    """The parent pages' shell, as drawn for a page of this link on a phone with `cookies`."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in (cookies or {}).items()}
    return render_to_string("family_voice/parent_base.html", {"token": token}, request=request)


def test_every_parent_page_links_to_the_note_and_says_when_the_school_answered(cast, fam, client):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    compass_token = link_path(make_link(cast, mum).url).strip("/").rsplit("/", 1)[1]
    assert "Write to the school" in _base(compass_token)
    url = make_link(cast, mum, Purpose.PREFERENCES).url
    token = link_path(url).strip("/").rsplit("/", 1)[1]
    # Before the second check on this phone, the note would only lead back to the check.
    assert "Write to the school" not in _base(token)
    assert "Write to the school" not in client.get(link_path(url)).text
    path = _checked(client, url)
    assert "Write to the school" in _base(token, client.cookies)
    _write(client, path)
    notes.note_reply(school_family=school_family, parent=mum, staff=cast.teacher, words="Hi")
    answered = _base(token, client.cookies)
    assert "The school has answered your note." in answered and f"{path}note/" in answered
    assert "answered" not in _base(compass_token)  # a link with no check shows no answer
    client.get(path + "note/")  # read
    assert "answered" not in _base(token, client.cookies)


def test_line_breaks_count_as_one_letter_as_the_phone_counts_them(cast, fam, client):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    path = link_path(make_link(cast, mum).url)
    words = "lines\r\n" * 300  # 2,100 as sent; 1,799 as written
    assert _write(client, path, words).status_code == 302
    assert HomeSchoolNote.objects.get().words == ("lines\n" * 300).strip()


def test_a_parents_note_cannot_be_rewritten_by_the_member_of_staff_it_went_to(
    cast, fam, client, login
):
    school_family, mum, _dad, _meeting = fam
    _key_contact(school_family, cast.teacher)
    _write(client, link_path(make_link(cast, mum).url))
    contact = HomeSchoolNote.objects.get().contact
    teacher = login(cast.teacher)
    edit = reverse("families:contact-edit", args=[contact.pk])
    assert teacher.get(edit).status_code in (403, 404)
    assert teacher.post(edit, {"summary": "Something else"}).status_code in (403, 404)
    contact.refresh_from_db()
    assert contact.summary == WORDS  # still the parent's own words
