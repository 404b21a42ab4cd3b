"""A parent's link on the cheapest phone: the check page, a wrong answer, and the page it opens,
at 320 px wide, working without JavaScript, each with no serious axe fault, no sideways
scrolling and the whole page under 60 KB transferred; and the plain page for a link that does
not work."""

import datetime

import pytest
from django.urls import reverse

from family_voice.services import link_create
from tests import factories
from tests.browser import checks

pytestmark = pytest.mark.browser

PHONE = 320
BORN = datetime.date(2016, 9, 14)


@pytest.fixture
def link_url(cast, server):
    cast.school.parent_check_by_birth_date = True
    cast.school.save()
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Rowan")
    child = factories.ChildFactory(
        school=cast.school, family=school_family.family, date_of_birth=BORN
    )
    mum = factories.ParentCarerFactory(
        family=school_family.family, first_name="Ailsa", email="ailsa@example.org"
    )
    factories.ChildParentFactory(child=child, parent=mum)
    meeting = factories.MeetingFactory(
        school=cast.school, family=school_family.family, chair=cast.pastoral
    )
    factories.MeetingParentFactory(meeting=meeting, parent=mum)
    made = link_create(
        school=cast.school, parent=mum, purpose="views", meeting=meeting, created_by=cast.pastoral
    )
    return "/" + made.url.split("/", 3)[3]


def _sound(page, screenshot, name):
    checks.assert_accessible(page)
    checks.assert_fits(page, PHONE)
    sizes = page.evaluate(
        "() => performance.getEntriesByType('navigation').concat("
        "performance.getEntriesByType('resource')).map(e => e.transferSize || e.encodedBodySize)"
    )
    assert sum(sizes) < 60_000, f"{name}: {sum(sizes)} bytes"
    # One small script, for the Listen button alone (the page works without it).
    scripts = page.locator("script")
    assert scripts.count() == 1 and "dist/parent" in scripts.get_attribute("src")
    page.set_viewport_size({"width": PHONE, "height": 800})
    screenshot(f"parent link {name} 320")


def test_a_parent_opens_their_link_on_a_small_phone(page, screenshot, link_url):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(link_url)
    assert page.get_by_role("heading", name="Check it is you").is_visible()
    _sound(page, screenshot, "check")
    page.get_by_label("Your child's date of birth").fill("2016-09-15")
    page.get_by_role("button", name="Check", exact=True).click()
    assert page.get_by_text("That is not right").is_visible()
    _sound(page, screenshot, "wrong answer")
    page.get_by_label("Your child's date of birth").fill(BORN.isoformat())
    page.get_by_role("button", name="Check", exact=True).click()
    assert page.get_by_role("heading", name="Before the meeting").is_visible()
    _sound(page, screenshot, "opened")


def test_a_link_that_does_not_work_is_plain_on_a_small_phone(page, screenshot, link_url):
    page.goto(link_url[:-5] + "xxxx/")
    assert page.get_by_role("heading", name="This link does not work").is_visible()
    _sound(page, screenshot, "refused")


def test_staff_make_a_link_on_a_phone_and_a_tablet(cast, sign_in, page, screenshot, link_url):
    from families.models import ParentCarer

    mum = ParentCarer.objects.get(first_name="Ailsa")
    sign_in(cast.pastoral)
    page.goto(reverse("family_voice:link-add", args=[mum.family_id]))
    for width in (checks.PHONE_WIDTH, checks.TABLET_WIDTH):
        checks.page_is_sound(page, "make a parent's link")
        checks.assert_fits(page, width)
    screenshot("make a parent's link")
    page.get_by_label(mum.full_name).check()
    page.get_by_label("Say how things are between them and the school").check()
    page.get_by_role("button", name="Make the link").click()
    assert page.get_by_test_id("parent-link-url").input_value().startswith("http")
    for width in (checks.PHONE_WIDTH, checks.TABLET_WIDTH):
        checks.page_is_sound(page, "link made")
        checks.assert_fits(page, width)
    screenshot("parent's link made")
