"""The meetings demo: every state present, and a second run changes nothing."""

from django.urls import reverse

from demo import families as demo_families
from demo import meetings as demo_meetings
from meetings.models import ActionPoint, Contribution, FollowUp, Meeting, ScalingAnswer


def _counts():
    return [
        m.objects.count() for m in (Meeting, ActionPoint, Contribution, ScalingAnswer, FollowUp)
    ]


def test_demo_meetings_cover_every_state_and_load_once(db):
    demo_families.load()
    demo_meetings.load()
    first = _counts()
    demo_meetings.load()
    assert _counts() == first
    states = set(Meeting.objects.values_list("status", flat=True))
    assert states == {"planned", "held", "reviewed", "cancelled"}
    planned = Meeting.objects.filter(status="planned")
    assert all(0 < m.preparation_counts()[0] < m.preparation_counts()[1] for m in planned)
    assert ActionPoint.objects.overdue().exists()
    review = Meeting.objects.get(previous__isnull=False)
    assert review.previous.status == "reviewed"
    before = dict(review.previous.scaling.values_list("party", "score"))
    after = dict(review.scaling.values_list("party", "score"))
    assert all(after[party] > before[party] for party in before)


def test_demo_meetings_without_families_do_nothing(db):
    demo_meetings.load()
    assert Meeting.objects.count() == 0


def test_every_demo_meeting_page_renders_for_its_chair(db, client, login):
    demo_families.load()
    demo_meetings.load()
    for meeting in Meeting.objects.select_related("chair"):
        login(meeting.chair)
        session = client.session
        session["current_school_id"] = meeting.school_id
        session.save()
        for name in ("meeting-plan", "meeting-detail", "meeting-letter"):
            response = client.get(reverse(f"meetings:{name}", args=[meeting.pk]))
            assert response.status_code == 200, (name, meeting)
        recorded = meeting.status in ("held", "reviewed")
        for name in ("meeting-summary", "meeting-summary-pdf"):
            response = client.get(reverse(f"meetings:{name}", args=[meeting.pk]))
            assert response.status_code == (200 if recorded else 409), (name, meeting)
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("meetings:meeting-list")).status_code == 200
        family_page = reverse("families:family-detail", args=[meeting.family_id])
        assert client.get(family_page).status_code == 200
