"""A guidance teacher in a real browser: places a family on the compass, plans a solution-oriented
meeting with an interpreter and a supporter, records it, and prints the family's summary."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compass.models import Placement
from meetings.models import Meeting
from tests.browser import checks
from tests.families.conftest import make_family

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("compass_defaults")]


def _set(scope, name: str, value: str) -> None:
    """Fills a form field by its name, whatever widget it is (select, radio, box or text)."""
    field = scope.locator(f"[name='{name}']")
    first = field.first
    tag = first.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
    if tag.startswith("select"):
        first.select_option(value)
    elif tag.endswith(":radio") or tag.endswith(":checkbox"):
        scope.locator(f"[name='{name}'][value='{value}']").check()
    else:
        first.fill(value)


def _next_weekday(days: int = 7) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def assert_prints_cleanly(page) -> None:
    """In print media the site chrome is hidden and the page fits the paper."""
    page.emulate_media(media="print")
    try:
        hidden = page.evaluate(
            """() => [...document.querySelectorAll(
                  '.site-header, footer, .skip-link, nav, .d-print-none, form button')]
                .filter(el => getComputedStyle(el).display !== 'none'
                              && el.getBoundingClientRect().height > 0)
                .map(el => el.outerHTML.slice(0, 80))"""
        )
        assert not hidden, f"still shown when printed on {page.url}: {hidden}"
        main = page.locator("main")
        expect(main).to_be_visible()
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= page.evaluate(
            "() => window.innerWidth"
        )
    finally:
        page.emulate_media(media="screen")


def test_guidance_teacher_places_plans_records_and_prints(cast, sign_in, page, screenshot):
    fam = make_family(cast, name="Family Rowan", teacher=cast.teacher)
    fam.mum.language, fam.mum.interpreter_needed = "Polish", True
    fam.mum.save()
    family_url = f"/families/{fam.family.pk}/"
    sign_in(cast.pastoral)
    page.goto(family_url)
    checks.page_is_sound(page, "family page (pastoral)")

    # Place the family on the compass.
    page.locator(f"a[href^='/compass/family/{fam.family.pk}/place/']").first.click()
    checks.page_is_sound(page, "compass placement form")
    for lever, step in (("communication", "3"), ("access", "2"), ("attitude", "3")):
        _set(page, lever, step)
    _set(page, "evidence", "Mum rings back the same day; mornings at the gate are friendly.")
    level = page.locator("[name='level']").first.get_attribute("value")
    _set(page, "level", level)
    page.get_by_role("button", name="Place on compass").click()
    page.wait_for_load_state()
    checks.page_is_sound(page, "after placing")
    placement = Placement.objects.get(family=fam.family)
    assert (placement.communication, placement.access, placement.attitude) == (3, 2, 3)

    # Plan a solution-oriented meeting with an interpreter and a supporter.
    page.goto(family_url)
    page.locator(f"a[href='/meetings/family/{fam.family.pk}/add/']").first.click()
    checks.page_is_sound(page, "meeting form")
    form = page.locator("main form").filter(has=page.locator("[name='purpose']"))
    _set(form, "kind", "solution_oriented")
    _set(form, "purpose", "How mornings can go more smoothly for Robin.")
    _set(form, "date", _next_weekday().isoformat())
    _set(form, "start_time", "15:30")
    _set(form, "end_time", "16:15")
    _set(form, "place_kind", "school_room")
    _set(form, "place_details", "The family room")
    _set(form, "chair", str(cast.pastoral.pk))
    _set(form, "child_view_how", "trusted_adult")
    _set(form, "confidentiality", "school")
    _set(form, "interpreter_language", "Polish")
    _set(form, "supporter_name", "Ewa Nowak")
    _set(form, "supporter_relationship", "Family friend")
    form.locator("button[type='submit']").last.click()
    page.wait_for_url(re.compile(r"/meetings/\d+/"))
    checks.page_is_sound(page, "meeting planned")
    meeting = Meeting.objects.get(family=fam.family)
    assert meeting.kind == "solution_oriented"
    assert meeting.interpreter_language == "Polish" and meeting.supporter_name == "Ewa Nowak"

    # The meeting takes place (it cannot be marked held before it starts).
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=50)
    )
    # Record it: a scaling answer from Mum, chosen from those attending, three next steps,
    # then mark it held.
    page.goto(f"/meetings/{meeting.pk}/")
    checks.page_is_sound(page, "meeting record")
    scaling = page.locator("#scaling form").last
    _set(scaling, "person", f"parent-{fam.mum.pk}")
    _set(scaling, "score", "6")
    scaling.get_by_role("button", name="Add the answer").click()
    expect(page.locator("#scaling")).to_contain_text("6 / 10")
    steps = [
        "Ring Mum on Friday with how the week went",
        "Robin chooses a morning job on the class rota",
        "Share the picture timetable with Dad",
    ]
    for what in steps:
        details = page.locator("#actions details")
        if details.count() and not details.evaluate("el => el.open"):
            details.locator("summary").click()
        add = page.locator("#actions form").last
        _set(add, "what", what)
        _set(add, "owner_kind", "staff")
        _set(add, "owner_staff", str(cast.pastoral.pk))
        _set(add, "due_on", _next_weekday(14).isoformat())
        add.get_by_role("button", name="Add the step").click()
        expect(page.locator("#actions")).to_contain_text(what)
    assert meeting.action_points.count() == 3
    checks.page_is_sound(page, "meeting record with steps")
    record = page.locator("form[action$='/record/']")
    _set(record, "summary", "Mornings are calmer; Robin likes the new job.")
    if record.locator("[name='review_on']").count():
        _set(record, "review_on", _next_weekday(42).isoformat())
    record.locator("button[type='submit']").click()
    page.wait_for_load_state()
    meeting.refresh_from_db()
    assert meeting.status == "held"

    page.goto(f"/meetings/{meeting.pk}/summary/")
    checks.page_is_sound(page, "meeting summary")
    expect(page.locator("main")).to_contain_text("morning job")
    assert_prints_cleanly(page)

    # Print the family's summary and its chronology.
    page.goto(family_url)
    checks.page_is_sound(page, "family page after the meeting")
    assert_prints_cleanly(page)
    page.get_by_role("link", name="Printable chronology").click()
    checks.page_is_sound(page, "family summary for printing")
    expect(page.locator("main")).to_contain_text("Family Rowan")
    assert_prints_cleanly(page)
    page.emulate_media(media="print")
    screenshot("pastoral-family-summary-printed")
    page.pdf(path=str(checks.ROOT / "test-artifacts" / "pastoral-family-summary.pdf"))
