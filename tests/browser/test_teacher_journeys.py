"""A class teacher's day in a real browser: find a family, log good news, see it land; and the same
with the keyboard alone; and another school's family stays out of reach."""

import re

import pytest
from playwright.sync_api import expect

from families.models import Contact, SchoolFamily
from tests.browser import checks
from tests.families.conftest import make_family

pytestmark = pytest.mark.browser


def _family_page(fam):
    return re.compile(rf"/families/{fam.family.pk}/([?#].*)?$")


def _quiet_family(cast):
    """A family of the teacher's class with no positive contact yet (so good news is due)."""
    fam = make_family(cast, name="Family Rowan", teacher=cast.teacher)
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(last_positive_at=None)
    make_family(cast, name="Family Alder")
    return fam


def test_teacher_logs_good_news_and_the_prompt_clears(cast, sign_in, page, screenshot):
    fam = _quiet_family(cast)
    sign_in(cast.teacher)
    checks.page_is_sound(page, "home")
    prompt = page.get_by_role("region", name="Time for some good news")
    expect(prompt).to_contain_text("Family Rowan")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Families").click()
    checks.page_is_sound(page, "family list")
    page.get_by_label("Child's or parent's name").fill("Robin")
    page.get_by_role("button", name="Search").click()
    checks.page_is_sound(page, "family list, searched")
    expect(page.get_by_role("table")).to_contain_text("Family Rowan")
    assert "Robin" not in page.url  # names never travel in the URL
    # Named with its children (told apart from any family that reads alike).
    page.get_by_role("link", name=re.compile(r"^Family Rowan \(")).click()
    checks.page_is_sound(page, "family page")

    page.get_by_role("link", name=re.compile("^Log (a )?contact")).first.click()
    checks.page_is_sound(page, "contact form")
    page.get_by_label("Channel").select_option(label="Phone call")
    page.get_by_role("radio", name="Positive").check()
    page.get_by_label("Summary").fill("Rang to say Robin read aloud to the class with confidence.")
    page.get_by_role("button", name="Log contact").click()

    page.wait_for_url(_family_page(fam))
    checks.page_is_sound(page, "family page after logging")
    first_entry = page.locator("#chronology article").first
    expect(first_entry).to_contain_text("read aloud to the class")
    expect(first_entry).to_contain_text("Positive")
    expect(first_entry).to_contain_text("Phone call")
    contact = Contact.objects.get(family=fam.family)
    assert contact.tone == "positive" and contact.channel == "phone"

    page.get_by_role("link", name="Home").first.click()
    checks.page_is_sound(page, "home after good news")
    expect(page.get_by_text("Family Rowan")).to_have_count(0)
    screenshot("teacher-logs-good-news")


def _tab_to(page, predicate_js: str, *, limit: int = 80) -> None:
    """Presses Tab until the focused element matches, failing if it never does (a trap)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate_js}; }}"):
            return
    raise AssertionError(f"Tab never reached: {predicate_js}")


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => {
          const el = document.activeElement, s = getComputedStyle(el);
          return el.matches(':focus-visible') &&
            ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) ||
             (s.boxShadow && s.boxShadow !== 'none'));
        }"""
    )


def test_teacher_logs_a_contact_with_the_keyboard_alone(cast, sign_in, page, screenshot):
    fam = _quiet_family(cast)
    sign_in(cast.teacher)
    page.goto(f"/families/{fam.family.pk}/")
    checks.page_is_sound(page, "family page")
    checks.assert_no_keyboard_trap(page)
    page.reload()

    # The first Tab reaches the skip link, which is visible when focused and leads to main.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == (
        "Skip to main content"
    )
    assert _focus_is_visible(page)
    skip_box = page.locator(".skip-link").bounding_box()
    assert skip_box and skip_box["width"] > 1 and skip_box["height"] > 1
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # From main, Tab on to the first "Log contact" link and follow it with Enter.
    _tab_to(page, "el.matches('a[href$=\"/contacts/new/\"]')")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/new/"))
    checks.page_is_sound(page, "contact form")
    checks.assert_no_keyboard_trap(page)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")

    # Fill the form with the keyboard: tab to each field, type, use arrows for radios.
    _tab_to(page, "el.name === 'channel'")
    assert _focus_is_visible(page)
    page.keyboard.type("Text")  # a select jumps to the option typed
    _tab_to(page, "el.name === 'tone'")
    for _ in range(3):
        if page.evaluate("() => document.activeElement.value") == "positive":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    _tab_to(page, "el.name === 'summary'")
    assert _focus_is_visible(page)
    page.keyboard.type("Texted to thank Morven for the costume she sent for the play.")
    _tab_to(page, "el.type === 'submit' && el.textContent.trim() === 'Log contact'")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")

    page.wait_for_url(_family_page(fam))
    checks.page_is_sound(page, "family page after logging")
    expect(page.locator("#chronology article").first).to_contain_text("costume she sent")
    contact = Contact.objects.get(family=fam.family)
    assert contact.channel == "text" and contact.tone == "positive"
    screenshot("teacher-keyboard-only")


def test_teacher_of_another_school_gets_not_found(cast, sign_in, page, screenshot):
    fam = _quiet_family(cast)
    sign_in(cast.outsider_teacher)
    response = page.goto(f"/families/{fam.family.pk}/")
    assert response.status == 404
    checks.page_is_sound(page, "not found")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("not found", re.I))
    expect(page.locator("main")).not_to_contain_text("Family Rowan")
    expect(page.locator("main")).not_to_contain_text("Robin")
    screenshot("outsider-gets-not-found")
