"""The contact rhythm in a real browser, at a phone's width (390 px) and a tablet's (768 px): the
key contact's "Due a contact" panel on the home page, and the headteacher setting the rhythm,
which then changes who the panel lists. Each page passes the per-page checks (axe-core, no
sideways scrolling) at both widths, with a screenshot of each in test-artifacts/."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from families.models import SchoolFamily
from families.services import contact_log
from tests import factories
from tests.browser import checks
from tests.families.conftest import make_family

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("compass_defaults")]

WIDTHS = (checks.PHONE_WIDTH, checks.TABLET_WIDTH)


def _sound_at_phone_and_tablet(page, screenshot, name: str):
    checks.page_is_sound(page, name)
    size = page.viewport_size
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            checks.assert_accessible(page)
            checks.assert_fits(page, width, height=900)
            screenshot(f"rhythm-{name.replace(' ', '-')}-{width}")
    finally:
        page.set_viewport_size(size)


def test_headteacher_sets_the_rhythm_and_the_key_contacts_panel_follows(
    cast, sign_in, page, screenshot
):
    setup = make_family(cast, name="Family Ash with a rather long double-barrelled name")
    SchoolFamily.objects.filter(pk=setup.school_family.pk).update(key_contact=cast.headteacher)
    factories.PlacementFactory(
        school_family=setup.school_family, placed_by=cast.pastoral, level="enhanced"
    )
    contact_log(
        school=cast.school,
        family=setup.family,
        staff=cast.pastoral,
        parents=[setup.mum],
        summary="Caught up about the week.",
        occurred_at=timezone.now() - datetime.timedelta(weeks=3),
    )
    sign_in(cast.headteacher)
    page.goto(reverse("home"))
    panel = page.get_by_test_id("due-contact")
    expect(panel).to_contain_text("Family Ash")
    expect(panel).to_contain_text("enhanced level, at least every 2 weeks")
    _sound_at_phone_and_tablet(page, screenshot, "home panel")

    page.goto(reverse("dashboards:dashboard-attention"))
    page.get_by_role("link", name="Change how often each level hears from us").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How often families hear from us")
    _sound_at_phone_and_tablet(page, screenshot, "setting")
    page.get_by_label("enhanced level: at least one contact every (weeks)").fill("4")
    page.get_by_role("button", name="Save the rhythm").click()
    expect(page.get_by_text("Saved. Home pages")).to_be_visible()
    page.goto(reverse("home"))
    expect(page.get_by_test_id("due-contact")).to_have_count(0)
