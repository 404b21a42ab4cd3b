"""Only what they are entitled to (issue 18, point 6), both ways: what a parent gives about a
confidential meeting stays with the staff who may see that meeting; an answer staff take back
is taken back from the parent too; a withdrawn meeting's link closes; and the audit page shows
what parents asked or said only to those who may read it."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from families.models import Contact
from families.services import contact_withdraw
from family_voice import notes, preferences
from family_voice.models import HomeSchoolNote, Purpose
from meetings.models import Meeting
from portal.access import DATA_PROTECTION_LEADS_GROUP
from tests.family_voice.conftest import link_path, make_link, pass_check

WORDS = "About the meeting: Isla has been anxious about coming in."


def test_a_note_about_a_confidential_meeting_is_kept_to_the_meetings_staff(
    cast, fam, client, login
):
    school_family, mum, _dad, meeting = fam
    school_family.key_contact = cast.pastoral
    school_family.save()
    Meeting.objects.filter(pk=meeting.pk).update(
        confidentiality="pastoral", confidentiality_reason="Sensitive family matter"
    )
    meeting.refresh_from_db()
    made = make_link(cast, mum, Purpose.VIEWS, meeting)
    pass_check(client, made.url)
    client.post(link_path(made.url) + "note/", {"words": WORDS})
    contact = HomeSchoolNote.objects.get().contact
    assert contact.confidentiality == Contact.Confidentiality.PASTORAL
    assert contact.confidentiality_reason.startswith("About a meeting kept confidential")
    family_url = reverse("families:family-detail", args=[school_family.family_id])
    assert WORDS in login(cast.pastoral).get(family_url).text
    # A teacher who sees the family (every teacher, here) but not the meeting does not read it.
    cast.school.staff_see_all_families = True
    cast.school.save()
    teacher_page = login(cast.teacher).get(family_url)
    assert teacher_page.status_code == 200 and WORDS not in teacher_page.text


def test_an_answer_staff_withdraw_is_taken_back_from_the_parent(cast, fam, client, login):
    school_family, mum, _dad, meeting = fam
    school_family.key_contact = cast.pastoral
    school_family.save()
    made = make_link(cast, mum, Purpose.VIEWS, meeting)
    pass_check(client, made.url)
    notes.note_from_parent(link=made.link, words="Can we talk?")
    answer = notes.note_reply(
        school_family=school_family, parent=mum, staff=cast.pastoral, words="Sent in error here."
    )
    assert "Sent in error here." in client.get(link_path(made.url) + "note/").text
    contact_withdraw(contact=answer.contact, withdrawn_by=cast.pastoral, reason="Wrong parent")
    page = client.get(link_path(made.url) + "note/").text
    assert "Sent in error here." not in page and "Can we talk?" in page


def test_a_link_about_a_meeting_withdrawn_from_the_record_opens_nothing(cast, fam, client):
    _sf, mum, _dad, meeting = fam
    made = make_link(cast, mum, Purpose.VIEWS, meeting)
    assert client.get(link_path(made.url)).status_code == 200
    Meeting.all_objects.filter(pk=meeting.pk).update(
        withdrawn_at=meeting.created_at, withdrawn_reason="Recorded in error"
    )
    refused = client.get(link_path(made.url))
    assert refused.status_code == 404 and meeting.purpose not in refused.text


def test_a_very_long_name_still_opens_its_link(cast, fam, client):
    mum = fam[1]
    # A corporate parent's name can run to 200 letters (first and last names of 100 each).
    mum.first_name = "Riverbank Council Children and Families Service, Looked After Children"
    mum.last_name = "Team, Corporate Parenting (North and East Localities), Duty Desk"
    mum.save()
    assert len(mum.full_name) > 130
    response = client.get(link_path(make_link(cast, mum).url))
    assert response.status_code == 200


def test_the_audit_page_shows_what_parents_asked_only_to_pastoral_staff(cast, fam, client, login):
    school_family, mum, _dad, _meeting = fam
    made = make_link(cast, mum, Purpose.PREFERENCES)
    pass_check(client, made.url)
    ask = preferences.preference_change_ask
    ask(link=made.link, values={**preferences.held(mum), "phone": "07700 911111"}, note="")
    ask(link=made.link, values={**preferences.held(mum), "phone": "07700 922222"}, note="")
    audit_url = reverse("audit:family-audit", args=[school_family.family_id])
    assert "07700 922222" in login(cast.headteacher).get(audit_url).text
    # A teacher the school made a data protection lead sees that something changed, not what.
    leads, _ = Group.objects.get_or_create(name=DATA_PROTECTION_LEADS_GROUP)
    leads.permissions.add(Permission.objects.get(codename="view_family_audit"))
    cast.teacher.groups.add(leads)
    teacher_view = login(cast.teacher).get(audit_url)
    assert teacher_view.status_code == 200
    assert "A parent asked to change their details" in teacher_view.text
    assert "values not shown" in teacher_view.text
    assert "07700 911111" not in teacher_view.text and "07700 922222" not in teacher_view.text
