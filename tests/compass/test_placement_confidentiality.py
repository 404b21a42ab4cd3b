"""Placements are sensitive too: a placement carries a confidentiality
level like a contact; what is written (evidence, next steps, the parent's words) is hidden from
staff the level leaves out, wherever placements show; the point and region stay; the evidence
gets the contact summary's wording hints."""

import csv
import glob
import importlib
import io
import os

import pytest
from django.apps import apps
from django.urls import reverse

from compass.models import Placement
from tests import factories

SECRET = "Meetings with mum are stressful: she lost her own mother in the spring."
NEXT = "Offer the quiet room and a shorter meeting."
WORDS = "I dread coming in."
PAGES = ("families:family-detail", "compass:family-compass")


@pytest.fixture
def sister(cast, family):
    """The family's second child: the teacher teaches only her (maths, say), not her brother."""
    group = factories.ClassGroupFactory(school=cast.school, name="S2 maths")
    maths = factories.UserFactory(username="maths_teacher", first_name="Morag", last_name="Reid")
    factories.MembershipFactory(user=maths, school=cast.school, role="staff")
    group.staff.add(maths)
    factories.ChildFactory(
        school=cast.school, family=family.family, class_group=group, first_name="Isla"
    )
    return maths


def _confidential(cast, family, level="pastoral", placed_by=None, named=()):
    return factories.PlacementFactory(
        school_family=family,
        placed_by=placed_by or cast.pastoral,
        communication=2,
        access=1,
        attitude=1,
        evidence=SECRET,
        next_attitude=NEXT,
        parent_communication=2,
        parent_access=2,
        parent_attitude=1,
        parent_words=WORDS,
        confidentiality=level,
        confidentiality_reason="Bereavement shared in confidence.",
        named_staff=named,
    )


def _page(client, name, family):
    key = "pk" if name == "families:family-detail" else "family_pk"
    return client.get(reverse(name, kwargs={key: family.family_id})).text


@pytest.mark.parametrize("page", PAGES)
def test_a_sisters_maths_teacher_does_not_read_why_meetings_with_mum_are_stressful(
    cast, login, family, sister, page
):
    _confidential(cast, family)
    text = _page(login(sister), page, family)
    for words in (SECRET, NEXT, WORDS, "Bereavement shared in confidence."):
        assert words not in text
    assert "Only the pastoral team and senior leaders may read why it is here." in text
    assert "Not yet reached" in text  # where the relationship sits still shows


def test_nor_in_the_chronology_csv(cast, login, family, sister):
    _confidential(cast, family)
    url = reverse("families:family-export-csv", args=[family.family_id])
    body = login(sister).get(url).content.decode()
    assert SECRET not in body and WORDS not in body
    rows = list(csv.reader(io.StringIO(body)))
    placement_rows = [row for row in rows if "Compass placement" in row]
    assert len(placement_rows) == 1
    assert "is not shown to you" in " ".join(placement_rows[0])


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
@pytest.mark.parametrize("page", PAGES)
def test_the_pastoral_team_and_senior_leaders_read_a_pastoral_placement(
    cast, login, family, role, page
):
    _confidential(cast, family)
    text = _page(login(getattr(cast, role)), page, family)
    assert SECRET in text
    assert "Only the pastoral team" not in text


def test_a_placement_at_the_usual_level_reads_for_the_teacher(cast, login, family, sister):
    factories.PlacementFactory(
        school_family=family, placed_by=cast.pastoral, evidence="Came to the maths evening."
    )
    assert "Came to the maths evening." in _page(login(sister), "families:family-detail", family)


def test_named_staff_only_reads_for_its_author_and_the_named_not_the_headteacher(
    cast, login, family, sister
):
    _confidential(cast, family, level="named", placed_by=cast.teacher, named=[cast.pastoral])
    for user, reads in (
        (cast.teacher, True),
        (cast.pastoral, True),
        (cast.headteacher, False),
        (sister, False),
    ):
        text = _page(login(user), "compass:family-compass", family)
        assert (SECRET in text) is reads, user.username
        if not reads:
            assert "Only the staff named on it may read why it is here." in text


def test_the_form_asks_who_may_read_it_and_why(cast, login, family):
    url = reverse("compass:placement-add", args=[family.family_id])
    data = {
        "communication": "2",
        "access": "1",
        "attitude": "1",
        "evidence": SECRET,
        "level": "enhanced",
        "confidentiality": "named",
        "named_staff": [cast.headteacher.pk],
    }
    client = login(cast.pastoral)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say why what is written is shared with fewer people than usual." in response.text
    assert not Placement.objects.exists()
    response = client.post(url, {**data, "confidentiality_reason": "Shared in confidence."})
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.confidentiality == "named"
    assert list(placement.named_staff.all()) == [cast.headteacher]


def test_someone_named_must_work_with_families_here(cast, login, family):
    url = reverse("compass:placement-add", args=[family.family_id])
    data = {
        "communication": "2",
        "access": "2",
        "attitude": "2",
        "evidence": "Came in.",
        "level": "general",
        "confidentiality": "named",
        "confidentiality_reason": "Shared in confidence.",
        "named_staff": [cast.outsider_pastoral.pk],
    }
    response = login(cast.pastoral).post(url, data)
    assert response.status_code == 200
    assert not Placement.objects.exists()


@pytest.mark.usefixtures("phrase_defaults")
def test_the_evidence_gets_the_contact_summarys_wording_hints(cast, login, family):
    url = reverse("compass:placement-add", args=[family.family_id])
    client = login(cast.teacher)
    form = client.get(url).text
    evidence = form[form.index('name="evidence"') - 400 : form.index('name="evidence"') + 400]
    assert f'hx-post="{reverse("guidance:hint-check")}"' in evidence
    assert 'id="hint-evidence"' in form
    response = client.post(
        url,
        {
            "communication": "2",
            "access": "1",
            "attitude": "1",
            "evidence": "Mum refuses to engage with the plan.",
            "level": "general",
        },
        follow=True,
    )
    assert Placement.objects.filter(evidence="Mum refuses to engage with the plan.").exists()
    assert "“refuses to engage”" in response.text


def test_existing_placements_become_pastoral_with_a_reason(cast, family):
    placement = factories.PlacementFactory(school_family=family, placed_by=cast.teacher)
    assert placement.confidentiality == "school"  # new placements: the usual level
    (path,) = glob.glob(
        os.path.join(
            os.path.dirname(apps.get_app_config("compass").path),
            "compass",
            "migrations",
            "*_placement_confidentiality.py",
        )
    )
    module = importlib.import_module(f"compass.migrations.{os.path.basename(path)[:-3]}")
    module.existing_placements_to_pastoral(apps, None)
    placement.refresh_from_db()
    assert placement.confidentiality == "pastoral"
    assert placement.confidentiality_reason.startswith("Written before placements had a level")


@pytest.mark.parametrize("placements", [2, 8])
def test_hiding_words_costs_no_query_per_placement(
    cast, login, family, sister, django_assert_max_num_queries, placements
):
    for i in range(placements):
        level = ("school", "pastoral", "named")[i % 3]
        _confidential(cast, family, level=level, named=[sister] if i % 2 else [])
    client = login(sister)
    with django_assert_max_num_queries(14):
        text = client.get(reverse("compass:family-compass", args=[family.family_id])).text
    assert "Only the pastoral team and senior leaders may read why it is here." in text


def test_the_service_refuses_to_name_someone_from_another_school(cast, family):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Everyone named must work with families"):
        factories.PlacementFactory(
            school_family=family,
            placed_by=cast.pastoral,
            confidentiality="named",
            confidentiality_reason="Shared in confidence.",
            named_staff=[cast.outsider_pastoral],
        )
    assert not Placement.objects.exists()
