"""Respectful recording in a real browser: a teacher types a labelling phrase into a contact
summary, a gentle hint appears beside the field (htmx, polite live region), they rewrite it in
facts and save; the dashboard counts the hint as taken. And a new school's Getting started."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from families.models import Contact
from guidance.models import HintTally
from portal.lib.terms import term_containing
from tests.browser import checks
from tests.families.conftest import make_family

pytestmark = pytest.mark.browser


def test_a_hint_appears_while_typing_and_is_taken(cast, sign_in, page, screenshot, phrase_defaults):
    fam = make_family(cast, name="Family Rowan", teacher=cast.teacher)
    sign_in(cast.teacher)
    page.goto(f"/families/{fam.family.pk}/contacts/new/")
    checks.page_is_sound(page, "contact form")
    guidance = page.get_by_test_id("form-guidance")
    expect(guidance).to_contain_text("Write what was said and agreed")

    summary = page.get_by_label("Summary")
    summary.fill("Mum is hard to reach.")
    summary.dispatch_event("input")
    hint = page.locator("#hint-summary")
    expect(hint.get_by_test_id("language-hint")).to_contain_text("“hard to reach”", timeout=5000)
    expect(hint).to_have_attribute("aria-live", "polite")
    expect(summary).to_have_attribute("aria-describedby", re.compile(r"\bhint-summary\b"))
    checks.assert_accessible(page)
    screenshot("respectful-recording-hint")

    summary.fill("Two calls at 3pm unanswered; Mum works shifts. Try a text at 8am.")
    summary.dispatch_event("input")
    expect(hint.get_by_test_id("language-hint")).to_have_count(0, timeout=5000)
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_url(re.compile(rf"/families/{fam.family.pk}/"))
    expect(page.locator(".messages")).not_to_contain_text("A thought for next time")
    assert Contact.objects.get(family=fam.family).summary.startswith("Two calls at 3pm")
    tally = HintTally.objects.get(school=cast.school, phrase="hard to reach")
    assert (tally.shown, tally.taken) == (1, 1)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    sign_in(cast.headteacher)
    page.goto("/compass/dashboard/")
    checks.page_is_sound(page, "dashboard with respectful recording", js_budget=120 * 1024)
    section = page.get_by_test_id("respectful-recording")
    term = term_containing(timezone.localdate()).label
    expect(section.get_by_role("table")).to_contain_text(term)
    expect(section).not_to_contain_text("Teacher")


def test_a_new_schools_headteacher_is_walked_through_set_up(cast, sign_in, page, screenshot):
    sign_in(cast.headteacher)
    panel = page.get_by_role("region", name=re.compile("^Getting started"))
    expect(panel).to_contain_text("0 of 3 done")
    expect(panel).to_contain_text("Import pupils and families")
    checks.page_is_sound(page, "home, getting started")
    screenshot("getting-started")
