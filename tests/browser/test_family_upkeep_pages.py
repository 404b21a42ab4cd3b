"""A guidance teacher keeps a family up to date in a real browser, at a phone's width (390 px)
and a tablet's (768 px): a grandparent added from the family page, a restriction recorded with
its source and date (a missing date explained beside its field first), then lifted. Each page
passes the per-page checks (axe-core, no sideways scrolling), with screenshots."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from families.models import ChildParent, ParentCarer
from tests.browser.test_safeguarding_pages import _sound_at_phone_and_tablet
from tests.families.conftest import make_family

pytestmark = pytest.mark.browser


def test_a_guidance_teacher_adds_a_grandparent_and_records_then_lifts_a_restriction(
    cast, sign_in, page, screenshot
):
    fam = make_family(cast, teacher=cast.teacher)
    sign_in(cast.pastoral)
    page.goto(reverse("families:family-detail", args=[fam.family.pk]))
    _sound_at_phone_and_tablet(page, screenshot, "family page with upkeep")

    page.get_by_role("link", name="Add a parent or carer").click()
    page.get_by_label("First name").fill("Isobel")
    page.get_by_label("Last name (or the service").fill("Grant")
    page.get_by_label("Who they are to the child").select_option("kinship_carer")
    page.get_by_role("checkbox", name=re.compile("Robin")).check()
    _sound_at_phone_and_tablet(page, screenshot, "add a parent or carer")
    page.get_by_role("button", name="Add to the family").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Isobel Grant is added to the family.")).to_be_visible()
    isobel = ParentCarer.objects.get(family=fam.family, first_name="Isobel", last_name="Grant")
    assert isobel.history.first().history_user == cast.pastoral

    page.get_by_role("link", name=re.compile("Record a restriction on Duncan")).click()
    page.get_by_label("Where it comes from").select_option("court_order")
    page.get_by_label("What it says").fill("School reports only; no collection from school.")
    page.get_by_role("button", name="Record the restriction").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Enter the date of the order or decision.")).to_be_visible()
    _sound_at_phone_and_tablet(page, screenshot, "record a restriction with a missing date")
    page.get_by_label("Date of the order or decision").fill("2026-03-02")
    page.get_by_role("button", name="Record the restriction").click()
    page.wait_for_load_state()
    expect(page.get_by_text("(Court order, 2 March 2026)")).to_be_visible()
    _sound_at_phone_and_tablet(page, screenshot, "family page with a recorded restriction")

    page.get_by_role("link", name=re.compile("Lift the restriction on Duncan")).click()
    page.get_by_label("Why it is lifted").fill("Order ended; letter from the court on file.")
    _sound_at_phone_and_tablet(page, screenshot, "lift a restriction")
    page.get_by_role("button", name="Lift the restriction").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The restriction on Duncan")).to_be_visible()
    assert ChildParent.objects.get(parent=fam.dad).restriction == ""
