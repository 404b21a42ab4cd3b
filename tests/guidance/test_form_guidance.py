"""Help where it is needed: each form carries a few points of guidance, linked to the form."""

from html import unescape

import pytest
from django.urls import reverse

from guidance.help import FORM_GUIDANCE
from tests import factories
from tests.families.conftest import make_family


@pytest.fixture
def fam(cast):
    return make_family(cast, teacher=cast.teacher)


def _guidance(html: str, key: str) -> str:
    start = html.index(f'id="guidance-{key}"')
    return unescape(html[start : html.index("</div>", start)])


def _pages(cast, fam, household):
    contact = factories.ContactFactory(school=cast.school, family=fam.family, staff=cast.pastoral)
    meeting = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral
    )
    return {
        "contact-log": reverse("families:contact-add", args=[fam.family.pk]),
        "contact-edit": reverse("families:contact-edit", args=[contact.pk]),
        "meeting-plan": reverse("meetings:meeting-add", args=[fam.family.pk]),
        "meeting-record": reverse("meetings:meeting-detail", args=[meeting.pk]),
        "placement": reverse("compass:placement-add", args=[fam.family.pk]),
        "complaint": reverse("complaints:complaint-add"),
        "parent-preferences": reverse(
            "families:parent-preferences", args=[fam.family.pk, fam.mum.pk]
        ),
    }


@pytest.mark.parametrize("key", [k for k in FORM_GUIDANCE if k != "import"])
def test_each_form_shows_its_guidance_and_names_it_for_screen_readers(
    cast, login, fam, household, compass_defaults, key
):
    url = _pages(cast, fam, household)[key]
    response = login(cast.pastoral).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    box = _guidance(html, key)
    for point in FORM_GUIDANCE[key][1]:
        assert point in box
    if key != "meeting-record":  # the meeting page has a form per section, and one intro
        assert f'aria-describedby="guidance-{key}"' in html


def test_the_meeting_page_opens_with_strengths_and_what_already_works(cast, login, household):
    meeting = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral
    )
    html = login(cast.pastoral).get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    box = _guidance(html, "meeting-record")
    assert "Open with strengths" in box
    assert "Ask what already works" in box


def test_the_import_page_in_admin_carries_its_guidance(client, db):
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    from tests.conftest import otp_verify_session

    client.force_login(superuser)
    otp_verify_session(client, superuser)
    html = client.get(reverse("admin:families_child_import")).content.decode()
    assert "You see a dry run first" in _guidance(html, "import")
    assert 'aria-describedby="guidance-import"' in html
