"""The meetings demo: every state present, and a second run changes nothing."""

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
