# ruff: noqa: F811
"""Parents' evenings in a real browser (issue 20): every staff page at 390 px (and the two
widest at 768 px) with no serious axe fault and nothing scrolling sideways, the one-tap buttons
on a timetable once a slot has started; a parent booking, changing and cancelling on a 320 px
phone (an interpreter asked for, under 60 KB a page, Urdu drawn right to left); and the office
booking for a parent who phones, with the keyboard alone.

The spring evening (tests/evenings/conftest.py) is built on a Wednesday morning with the clock
ticking on (the live server, the sign-in codes and the session all keep moving).
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from evenings import services
from evenings.models import Booking, Invitation, Slot
from portal.lib.words import staff_name
from portal.models import Role
from tests import factories
from tests.browser import checks

# The evening tests' own fixtures, used here by name (hence F811 on each test's arguments).
from tests.evenings.conftest import (  # noqa: F401
    BORN,
    EVENING_DAY,
    SCHOOL_DAY,
    at,
    evening_link,
    spring,
)
from tests.reaching_out.conftest import templates  # noqa: F401 (the confirmation's words)

pytestmark = pytest.mark.browser

PHONE = 320


@pytest.fixture
def school_day(time_machine):
    """The spring fixture's Wednesday at 10:00, with the clock ticking on."""
    time_machine.move_to(SCHOOL_DAY, tick=True)
    return timezone.localtime(SCHOOL_DAY)


def _slot(spring, staff, hour, minute):
    return Slot.objects.get(
        evening=spring.evening, staff=staff, starts_at=at(EVENING_DAY, hour, minute)
    )


def _tab_to(page, predicate_js: str, *, limit: int = 120) -> None:
    """Presses Tab until the focused element matches, failing if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate_js}; }}"):
            return
    raise AssertionError(f"Tab never reached: {predicate_js}")


def _staff_fits(page, screenshot, name, *, widths=(checks.PHONE_WIDTH,)):
    """No serious axe fault, and nothing scrolls sideways at each width."""
    page.wait_for_load_state("load")
    assert not page.js_errors, page.js_errors
    page.set_viewport_size({"width": checks.PHONE_WIDTH, "height": 900})
    checks.assert_accessible(page)
    for width in widths:
        checks.assert_fits(page, width, height=900)
    screenshot(f"evenings {name} 390")


def test_the_staff_pages_of_an_evening_fit_a_phone(
    cast, spring, sign_in, page, screenshot, time_machine
):
    """At 390 px: the list, an evening, its forms, the invitations' preview, a timetable with
    its one-tap buttons once the slot has started, the print, the whole evening (and the
    timetable and whole evening at 768 px too), office booking, not booked, reach, the school
    calendar and a parent's dates to avoid."""
    head = cast.headteacher
    services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, head, 15, 30),
        parent=spring.mum,
        children=[spring.isla, spring.finn],
        note="About reading & numbers",
        confirm=False,
    )
    services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, head, 15, 40),
        parent=spring.samira,
        children=[spring.amir],
        interpreter="Urdu",
        confirm=False,
    )
    # The evening itself, ten minutes into the first appointment.
    time_machine.move_to(at(EVENING_DAY, 15, 40), tick=True)
    evening = spring.evening
    sign_in(head)
    page.set_viewport_size({"width": checks.PHONE_WIDTH, "height": 900})

    page.goto(reverse("evenings:list"))
    expect(page.locator("main")).to_contain_text(evening.name)
    _staff_fits(page, screenshot, "list")
    page.goto(reverse("evenings:detail", args=[evening.pk]))
    _staff_fits(page, screenshot, "evening")
    page.goto(reverse("evenings:add"))
    _staff_fits(page, screenshot, "set up")
    page.goto(reverse("evenings:edit", args=[evening.pk]))
    _staff_fits(page, screenshot, "edit")
    page.goto(reverse("evenings:sitting-add", args=[evening.pk]))
    _staff_fits(page, screenshot, "sitting form")
    page.goto(reverse("evenings:staff", args=[evening.pk]))
    _staff_fits(page, screenshot, "staff form")
    page.goto(reverse("evenings:invite", args=[evening.pk]))
    _staff_fits(page, screenshot, "invite preview")

    page.goto(reverse("evenings:timetable", args=[evening.pk]))
    main = page.locator("main")
    expect(main).to_contain_text("Ailsa Rowan")
    expect(main).to_contain_text("Urdu")
    # The 15:30 slot has started: came or not, in one tap, is there to press.
    expect(page.get_by_role("button", name=re.compile(r"^Came")).first).to_be_visible()
    _staff_fits(page, screenshot, "timetable", widths=(checks.PHONE_WIDTH, checks.TABLET_WIDTH))
    page.goto(reverse("evenings:timetable-print", args=[evening.pk]))
    _staff_fits(page, screenshot, "timetable print")
    page.goto(reverse("evenings:whole", args=[evening.pk]))
    expect(page.locator("main")).to_contain_text("Samira Khan")
    _staff_fits(page, screenshot, "whole", widths=(checks.PHONE_WIDTH, checks.TABLET_WIDTH))

    book = reverse("evenings:office-book", args=[evening.pk])
    page.goto(book)
    _staff_fits(page, screenshot, "office book")
    page.goto(book + "?q=rowan")
    expect(page.locator("main")).to_contain_text("Euan Rowan")
    _staff_fits(page, screenshot, "office search")
    page.goto(book + "?q=byrne")  # a restricted adult, said why
    _staff_fits(page, screenshot, "office search restricted")
    invitation = Invitation.objects.get(evening=evening, parent=spring.mum)
    page.goto(f"{book}?invitation={invitation.pk}&staff={cast.teacher.pk}")
    expect(page.get_by_role("button", name="Book this time")).to_be_visible()
    _staff_fits(page, screenshot, "office choose")

    page.goto(reverse("evenings:not-booked", args=[evening.pk]))
    _staff_fits(page, screenshot, "not booked")
    page.goto(reverse("evenings:reach", args=[evening.pk]))
    _staff_fits(page, screenshot, "reach")
    page.goto(reverse("calendar"))
    _staff_fits(page, screenshot, "school calendar")
    page.goto(reverse("families:dates-avoid", args=[spring.rowans.family_id, spring.mum.pk]))
    _staff_fits(page, screenshot, "dates to avoid")


def _transferred(page) -> int:
    return sum(
        page.evaluate(
            "() => performance.getEntriesByType('navigation').concat("
            "performance.getEntriesByType('resource'))"
            ".map(e => e.transferSize || e.encodedBodySize)"
        )
    )


def _parent_sound(page, screenshot, name, *, code="en-gb"):
    """As a parent's link page: the language and its direction, no serious axe fault, nothing
    scrolling sideways at 320 px, and the whole page under 60 KB transferred."""
    page.wait_for_load_state("load")
    assert not page.js_errors, page.js_errors
    html = page.locator("html")
    assert html.get_attribute("lang") == code, (name, code)
    assert html.get_attribute("dir") == ("rtl" if code in ("ar", "ur") else "ltr"), name
    checks.assert_accessible(page)
    checks.assert_fits(page, PHONE)
    size = _transferred(page)
    assert size < 60_000, f"{name}: {size} bytes"
    page.set_viewport_size({"width": PHONE, "height": 800})
    screenshot(f"parent evening {name} {code} 320")


@pytest.fixture
def samira_link(cast, spring, server):
    """Samira's own evening link; the school checks a parent by their child's date of birth."""
    cast.school.parent_check_by_birth_date = True
    cast.school.save()
    made = evening_link(cast, spring.samira, spring)
    return "/" + made.url.split("/", 3)[3]


def test_a_parent_books_changes_and_cancels_on_a_small_phone(
    cast, spring, samira_link, templates, browser_context, server, page, screenshot
):
    # Samira reads Urdu, so her pages open in Urdu; she books in English, then looks in Urdu.
    browser_context.add_cookies([{"name": "pclang", "value": "en-gb", "url": server.url + "/p/"}])
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(samira_link)
    expect(page.get_by_label("Your child's date of birth")).to_be_visible()
    _parent_sound(page, screenshot, "check")
    page.get_by_label("Your child's date of birth").fill(BORN.isoformat())
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Samira")
    expect(page.locator("main")).to_contain_text("Who you can see about Amir")
    _parent_sound(page, screenshot, "evening")
    teacher = staff_name(cast.teacher)
    page.locator("li", has_text=teacher).get_by_role("link", name="Choose a time").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a time")
    _parent_sound(page, screenshot, "choose")
    page.locator('input[name="slot"]').first.check()
    first_slot = int(page.locator('input[name="slot"]:checked').get_attribute("value"))
    page.locator('input[name="children"]').first.check()
    page.locator('input[name="way"][value="in_person"]').check()
    page.get_by_label("Would you like an interpreter? Which language?").fill("Urdu")
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_load_state()

    expect(page.get_by_role("status")).to_contain_text("Booked: Tuesday 24 November")
    expect(page.locator("main")).to_contain_text("An interpreter (Urdu)")
    _parent_sound(page, screenshot, "booked")
    booking = Booking.objects.get(parent=spring.samira, cancelled_at=None)
    assert booking.slot_id == first_slot and booking.interpreter == "Urdu"
    assert list(booking.children.all()) == [spring.amir]

    page.get_by_role("link", name="Change the time").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the time")
    _parent_sound(page, screenshot, "change")
    page.locator(f'input[name="slot"]:not([value="{first_slot}"])').first.check()
    page.get_by_role("button", name="Change to this time").click()
    page.wait_for_load_state()
    moved = Booking.objects.get(parent=spring.samira, cancelled_at=None)
    assert moved.slot_id != first_slot and moved.interpreter == "Urdu"
    _parent_sound(page, screenshot, "changed")

    page.get_by_role("button", name="Cancel this time").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Cancelled:")
    _parent_sound(page, screenshot, "cancelled")
    assert not Booking.objects.filter(parent=spring.samira, cancelled_at=None).exists()

    # The same pages in Urdu, drawn right to left.
    browser_context.add_cookies([{"name": "pclang", "value": "ur", "url": server.url + "/p/"}])
    page.reload()
    _parent_sound(page, screenshot, "evening", code="ur")
    page.locator("main a[href*='staff=']").first.click()
    page.wait_for_load_state()
    _parent_sound(page, screenshot, "choose", code="ur")


@pytest.fixture
def clerk(cast, spring):
    """A member of the office staff, named by the evening as one who books for parents."""
    user = factories.UserFactory(username="clerk", first_name="Jean", last_name="Office")
    factories.MembershipFactory(user=user, school=cast.school, role=Role.STAFF)
    spring.evening.office.add(user)
    return user


def test_the_office_books_for_a_parent_who_phones_with_the_keyboard(
    cast, spring, clerk, templates, sign_in, page, screenshot
):
    sign_in(clerk)
    page.goto(reverse("evenings:office-book", args=[spring.evening.pk]))
    checks.page_is_sound(page, "office book")
    checks.assert_fits(page, checks.PHONE_WIDTH)
    checks.assert_no_keyboard_trap(page)

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    _tab_to(page, "el.name === 'q'")
    page.keyboard.type("Khan")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Samira Khan")
    checks.page_is_sound(page, "office search")

    invitation = Invitation.objects.get(evening=spring.evening, parent=spring.samira)
    _tab_to(page, f"el.tagName === 'A' && el.href.endsWith('?invitation={invitation.pk}')")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Samira Khan")
    checks.page_is_sound(page, "office parent")
    _tab_to(page, f"el.tagName === 'A' && el.href.endsWith('&staff={cast.teacher.pk}')")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Book this time")).to_be_visible()
    checks.page_is_sound(page, "office choose")
    checks.assert_fits(page, checks.PHONE_WIDTH)

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    _tab_to(page, f"el.name === 'children' && el.value === '{spring.amir.pk}'")
    if not page.evaluate("() => document.activeElement.checked"):  # one child: ticked already
        page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked")
    _tab_to(page, "el.name === 'slot'")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("() => document.activeElement.value")
    if not chosen:  # an empty first choice: the next one is the first time
        page.keyboard.press("ArrowDown")
        chosen = page.evaluate("() => document.activeElement.value")
    _tab_to(page, "el.name === 'interpreter'")
    page.keyboard.type("Urdu")
    _tab_to(page, "el.type === 'submit'")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Book this time"
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    page.wait_for_url(re.compile(r"/evenings/\d+/timetable/"))
    checks.page_is_sound(page, "office booked")
    booking = Booking.objects.get(parent=spring.samira, cancelled_at=None)
    assert booking.slot_id == int(chosen) and booking.booked_by == clerk
    assert booking.interpreter == "Urdu" and list(booking.children.all()) == [spring.amir]
    assert booking.slot.staff == cast.teacher
    screenshot("evenings office booked by keyboard")
