"""Every meetings view, for every role: who gets in, who gets 403, who gets 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests import factories


@pytest.fixture
def objects(cast, household, meeting):
    point = factories.ActionPointFactory(meeting=meeting)
    agency = meeting.agencies.create(name="Jo Bell", organisation="Health", kind="health")
    said = meeting.contributions.create(section="strengths", party="Mum", words="Reads daily.")
    scaled = meeting.scaling.create(party="Mum", score=4)
    follow_up = meeting.follow_ups.create(due_on=point.due_on, owner=cast.pastoral)
    # Recorded, so that its summary may be opened.
    Meeting.objects.filter(pk=meeting.pk).update(status="held", held_at=timezone.now())
    return {
        "family": household.family.pk,
        "meeting": meeting.pk,
        "point": point.pk,
        "agency": agency.pk,
        "said": said.pk,
        "scaled": scaled.pk,
        "follow_up": follow_up.pk,
    }


# (url name, argument keys, method); read views are open to everyone who sees the meeting.
READ = [
    ("meetings:meeting-detail", ["meeting"], "get"),
    ("meetings:meeting-plan", ["meeting"], "get"),
    ("meetings:meeting-ics", ["meeting"], "get"),
    ("meetings:meeting-letter", ["meeting"], "get"),
    ("meetings:meeting-summary", ["meeting"], "get"),
    ("meetings:meeting-summary-pdf", ["meeting"], "get"),
]
WRITE = [
    ("meetings:meeting-edit", ["meeting"], "get"),
    ("meetings:action-edit", ["point"], "get"),
    ("meetings:follow-up-log", ["follow_up"], "get"),
    ("meetings:preparation-toggle", ["meeting"], "post"),
    ("meetings:agency-add", ["meeting"], "post"),
    ("meetings:agency-remove", ["meeting", "agency"], "post"),
    ("meetings:meeting-cancel", ["meeting"], "post"),
    ("meetings:contribution-remove", ["meeting", "said"], "post"),
    ("meetings:scaling-add", ["meeting"], "post"),
    ("meetings:scaling-remove", ["meeting", "scaled"], "post"),
    ("meetings:action-add", ["meeting"], "post"),
    ("meetings:meeting-record", ["meeting"], "post"),
    ("meetings:follow-up-schedule", ["meeting"], "post"),
]
ALL = [*READ, *WRITE]


def _url(objects, name, keys):
    return reverse(name, args=[objects[k] for k in keys])


def _call(client, method, url):
    return getattr(client, method)(url)


@pytest.mark.parametrize(("name", "keys", "method"), ALL)
@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_team_and_headteacher_may_see_and_change(
    cast, login, objects, role, name, keys, method
):
    response = _call(login(getattr(cast, role)), method, _url(objects, name, keys))
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize(("name", "keys", "method"), READ)
def test_teacher_of_the_child_may_read_the_meeting(cast, login, objects, name, keys, method):
    assert _call(login(cast.teacher), method, _url(objects, name, keys)).status_code == 200


@pytest.mark.parametrize(("name", "keys", "method"), WRITE)
def test_teacher_not_attending_gets_403_on_changes(cast, login, objects, name, keys, method):
    assert _call(login(cast.teacher), method, _url(objects, name, keys)).status_code == 403


@pytest.mark.parametrize(("name", "keys", "method"), WRITE)
def test_teacher_attending_may_change(cast, login, objects, meeting, name, keys, method):
    meeting.staff.add(cast.teacher)
    response = _call(login(cast.teacher), method, _url(objects, name, keys))
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize(("name", "keys", "method"), ALL)
def test_authority_officer_gets_403(cast, login, objects, name, keys, method):
    url = _url(objects, name, keys)
    assert _call(login(cast.authority_officer), method, url).status_code == 403


@pytest.mark.parametrize(("name", "keys", "method"), ALL)
@pytest.mark.parametrize("role", ["admin", "outsider_authority_officer"])
def test_administrator_and_another_schools_authority_officer_get_404(
    cast, login, objects, role, name, keys, method
):
    # No school (an administrator), or another school: the meeting's existence is not confirmed.
    assert _call(login(getattr(cast, role)), method, _url(objects, name, keys)).status_code == 404


@pytest.mark.parametrize(("name", "keys", "method"), ALL)
@pytest.mark.parametrize("role", ["outsider_pastoral", "outsider_headteacher", "outsider_teacher"])
def test_staff_of_another_school_get_404(cast, login, objects, role, name, keys, method):
    assert _call(login(getattr(cast, role)), method, _url(objects, name, keys)).status_code == 404


@pytest.mark.parametrize(("name", "keys", "method"), ALL)
def test_anonymous_users_go_to_login(client, objects, name, keys, method):
    response = _call(client, method, _url(objects, name, keys))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "keys", "method"), ALL)
def test_wrong_method_gets_405(cast, login, objects, name, keys, method):
    wrong = "put" if method == "get" else "get"
    assert _call(login(cast.pastoral), wrong, _url(objects, name, keys)).status_code == 405


def test_teacher_who_does_not_teach_the_family_gets_404(cast, login, objects):
    other = factories.UserFactory(username="other_teacher")
    factories.MembershipFactory(user=other, school=cast.school, role="staff")
    client = login(other)
    assert client.get(_url(objects, "meetings:meeting-detail", ["meeting"])).status_code == 404
    assert client.get(reverse("meetings:meeting-add", args=[objects["family"]])).status_code == 404


@pytest.mark.parametrize("level", ["pastoral", "named"])
def test_confidential_meeting_is_hidden_from_a_teacher_who_is_not_attending(
    cast, login, objects, meeting, level
):
    Meeting.objects.filter(pk=meeting.pk).update(confidentiality=level)
    url = _url(objects, "meetings:meeting-detail", ["meeting"])
    assert login(cast.teacher).get(url).status_code == 404
    meeting.staff.add(cast.teacher)
    assert login(cast.teacher).get(url).status_code == 200


def test_named_meeting_is_hidden_from_the_headteacher_unless_attending(
    cast, login, objects, meeting
):
    Meeting.objects.filter(pk=meeting.pk).update(confidentiality="named")
    url = _url(objects, "meetings:meeting-detail", ["meeting"])
    assert login(cast.headteacher).get(url).status_code == 404
    assert login(cast.pastoral).get(url).status_code == 200  # the chair


def test_pastoral_meeting_is_seen_by_the_pastoral_team(cast, login, objects, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(confidentiality="pastoral", chair=cast.teacher)
    url = _url(objects, "meetings:meeting-detail", ["meeting"])
    assert login(cast.headteacher).get(url).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("pastoral", 200),
        ("headteacher", 200),
        ("teacher", 200),
        ("authority_officer", 403),
        ("admin", 404),
        ("outsider_pastoral", 404),
    ],
)
def test_meeting_add_access(cast, login, objects, role, status):
    response = login(getattr(cast, role)).get(
        reverse("meetings:meeting-add", args=[objects["family"]])
    )
    assert response.status_code == status


def test_meeting_add_rejects_put_and_anonymous(cast, client, login, objects):
    url = reverse("meetings:meeting-add", args=[objects["family"]])
    assert client.get(url).status_code == 302
    assert login(cast.pastoral).put(url).status_code == 405


@pytest.mark.parametrize(
    ("role", "status"),
    [("pastoral", 200), ("teacher", 200), ("authority_officer", 403), ("admin", 403)],
)
def test_meeting_list_access(cast, login, objects, role, status):
    assert login(getattr(cast, role)).get(reverse("meetings:meeting-list")).status_code == status


def test_meeting_list_anonymous_and_wrong_method(cast, client, login):
    url = reverse("meetings:meeting-list")
    assert client.get(url).status_code == 302
    assert login(cast.pastoral).post(url).status_code == 405


def test_meeting_list_shows_only_visible_meetings(cast, login, objects, meeting):
    other = factories.MeetingFactory(school=cast.other_school, purpose="Other school's")
    page = login(cast.teacher).get(reverse("meetings:meeting-list")).content.decode()
    assert "Family Rowan" in page
    assert other.family.name not in page
    Meeting.objects.filter(pk=meeting.pk).update(confidentiality="named")
    page = login(cast.teacher).get(reverse("meetings:meeting-list")).content.decode()
    assert "Family Rowan" not in page
