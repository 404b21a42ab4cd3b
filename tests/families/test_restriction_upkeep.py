"""Pastoral staff and the headteacher record a restriction (its words, source and date) on a
parent or carer from the family page, and lift it (when, why, by whom); nobody else may."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import ChildParent, Restriction, StaffChange
from tests.families.conftest import make_family

ORDER = {
    "source": "court_order",
    "source_detail": "Sheriff Court, Edinburgh",
    "dated": "2026-03-02",
    "words": "School reports only; no address details.",
}


def _add(fam, parent):
    return reverse("families:restriction-add", args=[fam.family.pk, parent.pk])


def _lift(fam, parent):
    return reverse("families:restriction-lift", args=[fam.family.pk, parent.pk])


def _dad_link(fam):
    return ChildParent.objects.get(child=fam.child, parent=fam.dad)


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_and_head_record_a_restriction_with_its_source_and_date(cast, fam, login, role):
    user = getattr(cast, role)
    client = login(user)
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert _add(fam, fam.dad) in page
    assert client.get(_add(fam, fam.dad)).status_code == 200
    response = client.post(_add(fam, fam.dad), {**ORDER, "links": [_dad_link(fam).pk]})
    assert response.status_code == 302
    link = _dad_link(fam)
    assert link.restriction == ORDER["words"]
    restriction = Restriction.objects.get(link=link)
    assert (
        restriction.source,
        restriction.source_detail,
        restriction.dated,
        restriction.recorded_by,
    ) == ("court_order", "Sheriff Court, Edinburgh", datetime.date(2026, 3, 2), user)
    assert link.history.first().history_user == user
    assert StaffChange.objects.filter(record="link", record_id=link.pk, field="restriction")
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Restriction recorded:</strong> School reports only; no address details." in page
    assert "(Court order, 2 March 2026)" in page
    # Their contact details are now held back from other staff.
    teacher_page = login(cast.teacher).get(reverse("families:family-detail", args=[fam.family.pk]))
    assert "Held by the pastoral team" in teacher_page.text


def test_a_restriction_without_source_date_or_words_is_explained_and_nothing_saved(
    cast, fam, login
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client = login(cast.pastoral)
    response = client.post(
        _add(fam, fam.dad), {"source": "", "dated": "", "words": " ", "links": []}
    )
    assert response.status_code == 200
    for words in (
        "Say where the restriction comes from.",
        "Enter the date of the order or decision.",
        "Say what the restriction allows and does not allow.",
        "Tick at least one child the restriction applies to.",
    ):
        assert words in response.text
    response = client.post(
        _add(fam, fam.dad), {**ORDER, "dated": tomorrow.isoformat(), "links": [_dad_link(fam).pk]}
    )
    assert "cannot be in the future" in response.text
    assert _dad_link(fam).restriction == ""
    assert not Restriction.objects.exists()


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_lifting_keeps_when_why_and_by_whom(cast, fam, login, role):
    user = getattr(cast, role)
    client = login(user)
    client.post(_add(fam, fam.dad), {**ORDER, "links": [_dad_link(fam).pk]})
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert _lift(fam, fam.dad) in page
    response = client.post(
        _lift(fam, fam.dad),
        {
            "links": [_dad_link(fam).pk],
            "lifted_on": timezone.localdate().isoformat(),
            "reason": "Order ended; letter from the court on file.",
        },
    )
    assert response.status_code == 302
    assert _dad_link(fam).restriction == ""
    restriction = Restriction.objects.get()
    assert (restriction.lifted_by, restriction.lifted_reason, restriction.lifted_on) == (
        user,
        "Order ended; letter from the court on file.",
        timezone.localdate(),
    )
    page = client.get(_add(fam, fam.dad)).text
    assert "Lifted from" in page and "Order ended; letter from the court on file." in page
    assert "Court order (Sheriff Court, Edinburgh), dated 2 March 2026" in page


def test_a_restriction_recorded_before_the_portal_kept_them_is_lifted_and_kept(cast, login):
    fam = make_family(cast, teacher=cast.teacher, restricted_dad=True)
    client = login(cast.pastoral)
    response = client.post(
        _lift(fam, fam.dad),
        {"links": [_dad_link(fam).pk], "lifted_on": "", "reason": ""},
    )
    assert "Enter the date the restriction ends." in response.text
    assert "Say why the restriction is lifted." in response.text
    assert _dad_link(fam).restriction
    client.post(
        _lift(fam, fam.dad),
        {
            "links": [_dad_link(fam).pk],
            "lifted_on": timezone.localdate().isoformat(),
            "reason": "Varied by the court.",
        },
    )
    restriction = Restriction.objects.get()
    assert restriction.words == "Court order: no school reports to be shared."
    assert restriction.source == "" and restriction.lifted_by == cast.pastoral
    assert _dad_link(fam).restriction == ""


def test_a_lift_cannot_be_dated_in_the_future(cast, login):
    fam = make_family(cast, restricted_dad=True)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(cast.pastoral).post(
        _lift(fam, fam.dad),
        {"links": [_dad_link(fam).pk], "lifted_on": tomorrow.isoformat(), "reason": "Ends soon"},
    )
    assert "the date cannot be in the future" in response.text
    assert _dad_link(fam).restriction


def test_a_link_already_restricted_is_not_offered_again(cast, login):
    fam = make_family(cast, restricted_dad=True)
    response = login(cast.pastoral).get(_add(fam, fam.dad))
    assert "There is no child at this school for whom" in response.text
    assert _lift(fam, fam.dad) in response.text


def test_teachers_never_record_or_lift_even_where_the_school_allows_upkeep(cast, fam, login):
    cast.school.teachers_keep_families_up_to_date = True
    cast.school.save()
    client = login(cast.teacher)
    assert client.get(_add(fam, fam.dad)).status_code == 403
    assert (
        client.post(_add(fam, fam.dad), {**ORDER, "links": [_dad_link(fam).pk]}).status_code == 403
    )
    assert client.get(_lift(fam, fam.dad)).status_code == 403
    assert _dad_link(fam).restriction == ""


def test_other_roles_schools_and_another_familys_parent(cast, fam, login):
    stranger = make_family(cast, name="Family Other")
    for url in (_add(fam, fam.dad), _lift(fam, fam.dad)):
        assert login(cast.authority_officer).get(url).status_code == 403
        assert login(cast.outsider_pastoral).get(url).status_code == 404
    assert login(cast.pastoral).get(_add(fam, stranger.dad)).status_code == 404
    assert login(cast.pastoral).get(_lift(fam, stranger.dad)).status_code == 404


def test_the_family_audit_shows_who_changed_a_link_and_recorded_and_lifted_a_restriction(
    cast, fam, login
):
    client = login(cast.pastoral)
    client.post(_add(fam, fam.dad), {**ORDER, "links": [_dad_link(fam).pk]})
    client.post(
        _lift(fam, fam.dad),
        {
            "links": [_dad_link(fam).pk],
            "lifted_on": timezone.localdate().isoformat(),
            "reason": "Order ended.",
        },
    )
    page = login(cast.headteacher).get(reverse("audit:family-audit", args=[fam.family.pk])).text
    # Each record named in words beside its kind, as the audit page names it.
    assert "How a parent or carer is linked to a child (Father)" in page
    dated = Restriction.objects.get().dated
    assert f"Restriction dated {dated.day} {dated:%b %Y}" in page
    assert "Order ended." in page  # the lift's reason, as a value that changed
    assert "Pastoral" in page  # who made the changes


def test_two_people_recording_at_once_the_second_is_stopped_not_overwritten(cast, login):
    from django.core.exceptions import ValidationError

    from families import upkeep

    fam = make_family(cast, restricted_dad=True)  # as if the first person just saved
    with pytest.raises(ValidationError, match="Someone has just recorded a restriction for Robin"):
        upkeep.restriction_record(
            links=[_dad_link(fam)],
            words="Other words.",
            source="police",
            source_detail="",
            dated=datetime.date(2026, 1, 5),
            by=cast.pastoral,
        )
    assert _dad_link(fam).restriction == "Court order: no school reports to be shared."
    assert not Restriction.objects.exists()
