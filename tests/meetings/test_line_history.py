"""Lines of a meeting's record removed while writing it (what someone said, a scaling answer, a
partner agency) are gone from the page but stay in the history, with who removed them."""

import pytest
from django.urls import reverse

from meetings.models import AgencyAttendee, Contribution, ScalingAnswer
from tests import factories


@pytest.mark.parametrize(
    ("model", "make", "route", "kwarg"),
    [
        (
            Contribution,
            lambda m: factories.ContributionFactory(meeting=m, words="Dad reads with Robin."),
            "meetings:contribution-remove",
            "item_pk",
        ),
        (
            ScalingAnswer,
            lambda m: factories.ScalingAnswerFactory(meeting=m, one_point_higher="Calm mornings"),
            "meetings:scaling-remove",
            "item_pk",
        ),
        (
            AgencyAttendee,
            lambda m: factories.AgencyAttendeeFactory(meeting=m, name="Jo Reid"),
            "meetings:agency-remove",
            "agency_pk",
        ),
    ],
)
def test_a_removed_line_stays_in_the_history_with_who_removed_it(
    login, cast, meeting, model, make, route, kwarg
):
    line = make(meeting)
    url = reverse(route, kwargs={"pk": meeting.pk, kwarg: line.pk})
    response = login(cast.pastoral).post(url)
    assert response.status_code in (200, 302)
    assert not model.objects.filter(pk=line.pk).exists()
    removed = model.history.get(id=line.pk, history_type="-")
    assert removed.history_user == cast.pastoral
    assert removed.meeting_id == meeting.pk


def test_a_teacher_who_is_not_at_the_meeting_cannot_remove_a_line(login, cast, meeting):
    line = factories.ContributionFactory(meeting=meeting)
    url = reverse("meetings:contribution-remove", kwargs={"pk": meeting.pk, "item_pk": line.pk})
    assert login(cast.teacher).post(url).status_code in (403, 404)
    assert Contribution.objects.filter(pk=line.pk).exists()
    assert not Contribution.history.filter(id=line.pk, history_type="-").exists()
