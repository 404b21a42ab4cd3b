"""Edit conflicts everywhere: strengths, a parent's preferences and complaints (the update and the
personal reply) detect a conflicting edit as contacts and meetings do. A second editor who
loaded the old version sees both versions side by side; nothing is silently overwritten."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from complaints.models import Complaint
from families.models import Family, ParentCarer
from tests import factories
from tests.robustness.conftest import complaint_data, url

VERSION = re.compile(r'name="edited_from" value="([^"]+)"')
CONFLICT = "Someone else saved this while you were editing it"


def _version(page) -> str:
    found = VERSION.findall(page.content.decode())
    assert len(found) == 1, "the edit form carries the version it started from"
    return found[0]


def _stopped_then_kept(client, edit, data, *, theirs: str, mine: str, reread):
    """Posting from the old version is stopped with both versions shown and nothing saved;
    posting again, having seen both, saves mine."""
    response = client.post(edit, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert CONFLICT in page and 'data-testid="edit-conflict"' in page
    assert theirs in page and mine in page
    assert reread() == theirs
    again = client.post(edit, {**data, "edited_from": _version(response)})
    assert again.status_code == 302
    assert reread() == mine


def test_strengths_saved_meanwhile_are_not_overwritten(cast, login, world):
    edit = url("families:family-strengths", world.family.pk)
    client = login(cast.pastoral)
    started_from = _version(client.get(edit))
    family = Family.objects.get(pk=world.family.pk)
    family.strengths = "Their version: gran walks Robin in every day."
    family.save()
    data = {
        "strengths": "My version: Robin loves football.",
        "exceptions": "",
        "edited_from": started_from,
    }
    _stopped_then_kept(
        client,
        edit,
        data,
        theirs="Their version: gran walks Robin in every day.",
        mine="My version: Robin loves football.",
        reread=lambda: Family.objects.get(pk=world.family.pk).strengths,
    )


def test_unchanged_strengths_save_as_before(cast, login, world):
    edit = url("families:family-strengths", world.family.pk)
    client = login(cast.pastoral)
    data = {"strengths": "Kind.", "exceptions": "", "edited_from": _version(client.get(edit))}
    assert client.post(edit, data).status_code == 302
    assert Family.objects.get(pk=world.family.pk).strengths == "Kind."


def _preferences(**overrides) -> dict:
    data = {
        "preferred_channel": "phone",
        "phone": "01234 567890",
        "email": "morven@example.org",
        "language": "English",
        "reading": "confident",
        "good_times": "After 3pm",
        "good_places": "",
        "work_pattern": "",
        "transport_needs": "",
        "mobility_needs": "",
        "dates_to_avoid": "",
        "household": "",
    }
    return data | overrides


def test_a_parents_preferences_saved_meanwhile_are_not_overwritten(cast, login, world):
    edit = url("families:parent-preferences", world.family.pk, world.mum.pk)
    client = login(cast.pastoral)
    started_from = _version(client.get(edit))
    mum = ParentCarer.objects.get(pk=world.mum.pk)
    mum.good_times = "Their version: mornings before work"
    mum.save()
    data = _preferences(good_times="My version: after 3pm", edited_from=started_from)
    _stopped_then_kept(
        client,
        edit,
        data,
        theirs="Their version: mornings before work",
        mine="My version: after 3pm",
        reread=lambda: ParentCarer.objects.get(pk=world.mum.pk).good_times,
    )


def _complaint(cast, world) -> Complaint:
    return factories.ComplaintFactory(
        school=cast.school,
        family=world.family,
        point_of_contact=cast.teacher,
        received_at=timezone.now() - datetime.timedelta(days=1),
    )


def test_a_complaint_updated_meanwhile_is_not_overwritten(cast, login, world):
    complaint = _complaint(cast, world)
    edit = url("complaints:complaint-edit", complaint.pk)
    client = login(cast.pastoral)
    started_from = _version(client.get(edit))
    theirs = Complaint.objects.get(pk=complaint.pk)
    theirs.school_can_offer = "Their version: a meeting with the head."
    theirs.save()
    data = complaint_data(
        cast,
        world,
        status="open",
        outcome="",
        school_can_offer="My version: a call this week.",
        edited_from=started_from,
    )
    data["received_at"] = timezone.localtime(complaint.received_at).strftime("%Y-%m-%dT%H:%M")
    _stopped_then_kept(
        client,
        edit,
        data,
        theirs="Their version: a meeting with the head.",
        mine="My version: a call this week.",
        reread=lambda: Complaint.objects.get(pk=complaint.pk).school_can_offer,
    )


def test_a_personal_reply_recorded_meanwhile_is_not_overwritten(cast, login, world):
    complaint = _complaint(cast, world)
    edit = url("complaints:complaint-reply", complaint.pk)
    client = login(cast.pastoral)
    started_from = _version(client.get(edit))
    theirs = Complaint.objects.get(pk=complaint.pk)
    theirs.reply = "Their version: thank you for telling us."
    theirs.save()
    now = timezone.localtime()
    data = {
        "first_response_at": now.strftime("%Y-%m-%dT%H:%M"),
        "reply": "My version: we are sorry and will call.",
        "replied_on": now.date().isoformat(),
        "apology_given": "",
        "apology": "",
        "edited_from": started_from,
    }
    _stopped_then_kept(
        client,
        edit,
        data,
        theirs="Their version: thank you for telling us.",
        mine="My version: we are sorry and will call.",
        reread=lambda: Complaint.objects.get(pk=complaint.pk).reply,
    )
