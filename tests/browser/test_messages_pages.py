# ruff: noqa: F811
"""Messages to parents and carers in a real browser: a class teacher sends good news to one
family's adults (a preview of each person's own message, one of them reworded), then reads the
outbox and one message; good news for two pupils of a class at once; the office prints a batch
of letters, downloads its PDF and marks it posted; and a parent's stop page on a small phone.

Time stands at a Wednesday morning (no quiet hours) and runs on from there, so nothing is held.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from families.models import Contact
from reaching_out import services
from reaching_out.models import ChannelStop, Message
from tests import factories
from tests.browser import checks

# The reaching-out tests' own fixtures, used here by name (hence F811 on each test's arguments).
from tests.reaching_out.conftest import SCHOOL_DAY, rowans, templates  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = 320


@pytest.fixture
def school_day(time_machine):
    """A Wednesday at 10:00 in London, with the clock ticking on (the live server, the sign-in
    codes and the browser's session all keep moving)."""
    time_machine.move_to(SCHOOL_DAY, tick=True)
    return timezone.localtime(SCHOOL_DAY)


@pytest.fixture
def taught(cast, rowans):
    """Isla is in the teacher's class, P4R."""
    school_family, isla, mum, dad = rowans
    group = factories.ClassGroupFactory(school=cast.school, name="P4R")
    group.staff.add(cast.teacher)
    isla.class_group = group
    isla.save()
    return group


@pytest.fixture(autouse=True)
def console_errors(page):
    """Every page of these journeys logs no error to the console (a style or script the
    Content Security Policy refused shows up there, not as a page error)."""
    errors = []

    def _heard(msg):
        # The browser asks for /favicon.ico on its own; the portal has none to give.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", _heard)
    yield errors
    assert not errors, errors


def _tab_to(page, predicate_js: str, *, limit: int = 80) -> None:
    """Presses Tab until the focused element matches, failing if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate_js}; }}"):
            return
    raise AssertionError(f"Tab never reached: {predicate_js}")


def test_a_class_teacher_sends_good_news_to_one_familys_adults(
    cast,
    sign_in,
    page,
    screenshot,
    rowans,
    taught,
    templates,
    school_day,
    mailoutbox,
):
    school_family, isla, mum, dad = rowans
    sign_in(cast.teacher)
    page.goto(f"/families/{school_family.family_id}/")
    checks.page_is_sound(page, "family page")
    block = page.get_by_role("region", name="Messages")
    expect(block).to_contain_text("No messages sent from the portal yet.")
    block.get_by_role("link", name="Send good news").click()

    page.wait_for_url(re.compile(r"/messages/family/\d+/new/\?kind=good_news$"))
    checks.page_is_sound(page, "write to the family")
    expect(page.get_by_role("radio", name="Good news")).to_be_checked()
    # Both adults hold parental responsibility with no restriction: both are ticked already.
    expect(page.get_by_role("checkbox", name="Ailsa Rowan")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Euan Rowan")).to_be_checked()
    checks.assert_no_keyboard_trap(page)

    # The form with the keyboard alone: tick Isla, write the news, ask for the preview.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    _tab_to(page, f"el.name === 'children' && el.value === '{isla.pk}'")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Isla Rowan")).to_be_checked()
    _tab_to(page, "el.name === 'words'")
    page.keyboard.type("Isla read her story to the whole class.")
    _tab_to(page, "el.type === 'submit'")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == (
        "See the messages before sending"
    )
    page.keyboard.press("Enter")

    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the messages to Family Rowan")
    checks.page_is_sound(page, "check the messages")
    assert not Message.objects.exists()  # a preview queues nothing
    to_mum = page.get_by_role("region", name="To Ailsa Rowan")
    to_dad = page.get_by_role("region", name="To Euan Rowan")
    # One card each: the way it goes (its own choice), and why where it is not their first.
    expect(to_mum.get_by_label("How")).to_have_value("email")
    expect(to_mum.get_by_label("Message")).to_contain_text("Dear Ailsa")
    expect(to_mum.get_by_label("Message")).to_contain_text("Isla read her story")
    expect(to_dad.get_by_label("Message")).to_contain_text("Dear Euan")
    dad_way = to_dad.get_by_label("How").input_value()
    if dad_way != "text":  # texts need GOV.UK Notify, which this portal has not set up
        expect(to_dad.locator("ul")).not_to_have_count(0)
    screenshot("good news preview")

    words = to_mum.get_by_label("Message").input_value()
    to_mum.get_by_label("Message").fill(words + "\n\nShe was very proud of it.")
    page.get_by_role("button", name="Send 2 messages").click()

    page.wait_for_url(re.compile(rf"/families/{school_family.family_id}/(#messages)?$"))
    checks.page_is_sound(page, "family page after sending")
    expect(page.locator(".alert-success")).to_contain_text("2 messages: 2 going now.")
    listed = page.get_by_test_id("family-messages")
    expect(listed).to_contain_text("Good news to Ailsa Rowan by e-mail")
    expect(listed).to_contain_text("Good news to Euan Rowan")

    # What the database holds and what arrived: each adult their own, mum's words as edited.
    by_parent = {m.parent_id: m for m in Message.objects.all()}
    assert set(by_parent) == {mum.pk, dad.pk}
    assert by_parent[mum.pk].edited and "She was very proud of it." in by_parent[mum.pk].body
    assert not by_parent[dad.pk].edited
    assert all(m.state == Message.State.SENT for m in by_parent.values())
    to_ailsa = [e for e in mailoutbox if e.to == ["ailsa@example.org"]]
    assert len(to_ailsa) == 1 and "She was very proud of it." in to_ailsa[0].body
    assert Contact.objects.filter(family=school_family.family, tone="positive").count() == 2

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    page.wait_for_url(re.compile(r"/messages/$"))
    checks.page_is_sound(page, "outbox")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)  # a header and two messages
    expect(table).to_contain_text("Ailsa Rowan")
    expect(table).to_contain_text("Euan Rowan")
    row = table.get_by_role("row").filter(has_text="Ailsa Rowan")
    row.get_by_role("link").click()

    page.wait_for_url(re.compile(rf"/messages/{by_parent[mum.pk].pk}/$"))
    checks.page_is_sound(page, "one message")
    expect(page.get_by_role("heading", level=1)).to_have_text("Good news to Ailsa Rowan")
    expect(page.locator("main")).to_contain_text("the words were changed before sending")
    expect(page.locator("main")).to_contain_text("She was very proud of it.")
    screenshot("one message")


@pytest.fixture
def class_of_three(cast, rowans, taught):
    """P4R: Isla Rowan, Omar (mum Samira, e-mail) and Zofia (mum Kasia, e-mail)."""
    school_family, isla, mum, dad = rowans
    pupils = [isla]
    for name, parent_name in (("Omar", "Samira"), ("Zofia", "Kasia")):
        sf = factories.SchoolFamilyFactory(school=cast.school, family__name=f"Family {name}")
        child = factories.ChildFactory(
            school=cast.school,
            family=sf.family,
            first_name=name,
            last_name=name + "son",
            class_group=taught,
        )
        parent = factories.ParentCarerFactory(
            family=sf.family,
            first_name=parent_name,
            email=f"{parent_name.lower()}@example.org",
            preferred_channel="email",
        )
        factories.ChildParentFactory(child=child, parent=parent)
        pupils.append(child)
    return taught, pupils


def test_good_news_for_two_pupils_of_a_class(
    cast,
    sign_in,
    page,
    screenshot,
    class_of_three,
    templates,
    school_day,
    mailoutbox,
):
    group, pupils = class_of_three
    sign_in(cast.teacher)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    checks.page_is_sound(page, "outbox, empty")
    page.get_by_role("link", name="Good news for several families").click()

    # The teacher has one class, so its pupils are there at once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Good news for families of P4R")
    checks.page_is_sound(page, "good news for a class")
    page.get_by_role("checkbox", name="Isla Rowan").check()
    page.get_by_label("News for Isla").fill("Isla read her story aloud.")
    page.get_by_role("checkbox", name="Omar Omarson").check()
    page.get_by_label("News for Omar").fill("Omar helped a new pupil settle in.")
    page.get_by_role("button", name="See the messages before sending").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the good news for P4R")
    checks.page_is_sound(page, "check the good news")
    assert not Message.objects.exists()
    omar = page.get_by_role("region", name="Omar Omarson")
    expect(omar).to_contain_text("To Samira")
    omar.locator("summary").first.click()  # opens the message itself
    expect(omar.locator("details[open]")).to_contain_text("Omar helped a new pupil settle in.")
    checks.assert_fits_768(page)  # the words wrap, open or closed
    screenshot("good news for a class preview")
    expect(omar).not_to_contain_text("Isla")
    expect(page.get_by_role("region", name="Isla Rowan").locator("summary")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("Kasia")  # Zofia was not ticked
    page.get_by_role("button", name="Send 3 messages").click()

    page.wait_for_url(re.compile(r"/messages/\?mine=on$"))
    checks.page_is_sound(page, "outbox after good news")
    expect(page.locator(".alert-success")).to_contain_text("Good news: 3 messages: 3 going now.")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(4)
    for name in ("Ailsa Rowan", "Euan Rowan", "Samira"):
        expect(table).to_contain_text(name)
    by_name = {m.parent.first_name: m for m in Message.objects.select_related("parent")}
    assert set(by_name) == {"Ailsa", "Euan", "Samira"}
    assert "Omar helped a new pupil settle in." in by_name["Samira"].body
    assert "Isla" not in by_name["Samira"].body and "Omar" not in by_name["Ailsa"].body
    assert [e.to for e in mailoutbox if "Omar" in e.body] == [["samira@example.org"]]
    screenshot("good news for a class sent")


def test_the_office_prints_a_batch_of_letters_and_marks_it_posted(
    cast,
    sign_in,
    page,
    screenshot,
    rowans,
    templates,
):
    school_family, isla, mum, dad = rowans
    mum.postal_address = "12 Rowan Road\nRiverside\nRV1 2AB"
    mum.save()
    letter = Message.objects.create(
        school=cast.school,
        family=school_family.family,
        parent=mum,
        kind="good_news",
        channel="letter",
        subject="Good news about Isla",
        body="Dear Ailsa,\n\nIsla read her story to the whole class.\n\nBest wishes",
        to=mum.postal_address,
        sent_by=cast.teacher,
        send_after=timezone.now(),
        state=Message.State.TO_PRINT,
    )
    letter.children.add(isla)
    sign_in(cast.pastoral)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    checks.page_is_sound(page, "outbox with a letter")
    page.get_by_role("link", name="Letters to print (1)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Letters to print and post")
    checks.page_is_sound(page, "letters waiting")
    expect(page.locator("main")).to_contain_text("Good news to Ailsa Rowan")
    page.get_by_role("button", name="Print 1 letter as one PDF").click()

    page.wait_for_url(re.compile(r"/messages/letters/#batch-\d+$"))
    checks.page_is_sound(page, "letters printed")
    letter.refresh_from_db()
    assert letter.state == Message.State.PRINTED and letter.batch_id
    batch = page.locator(f"#batch-{letter.batch_id}")
    expect(batch).to_contain_text("1 letter made")
    with page.expect_download() as downloading:
        batch.get_by_role("link", name=re.compile("^Download the PDF")).click()
    download = downloading.value
    assert download.suggested_filename == f"letters-{letter.batch_id}.pdf"
    body = open(download.path(), "rb").read()  # noqa: PTH123, SIM115
    assert body.startswith(b"%PDF-") and len(body) > 1000
    # The same link fetched with the session's cookies says it is a PDF.
    href = batch.get_by_role("link", name=re.compile("^Download the PDF")).get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"

    batch.get_by_role("button", name="Mark as posted").click()
    page.wait_for_url(re.compile(r"/messages/letters/$"))
    checks.page_is_sound(page, "letters posted")
    posted = re.compile(r"1 letters? marked as posted")
    expect(page.locator(".alert-success")).to_contain_text(posted)
    expect(page.locator(f"#batch-{letter.batch_id}")).to_contain_text("Posted")
    expect(page.get_by_role("button", name="Mark as posted")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("No letters are waiting.")
    letter.refresh_from_db()
    assert letter.state == Message.State.SENT
    contact = Contact.objects.get(pk=letter.contact_id)
    assert contact.channel == "letter" and contact.tone == "positive"
    screenshot("letters posted")


def test_a_parent_stops_emails_on_a_small_phone(page, screenshot, server, cast, rowans):
    school_family, isla, mum, dad = rowans
    # The e-mail she had from the school, whose stop link she follows.
    Message.objects.create(
        school=cast.school,
        family=school_family.family,
        parent=mum,
        kind="good_news",
        channel="email",
        subject="Good news about Isla",
        body="Isla read her story to the whole class.",
        to=mum.email,
        sent_by=cast.teacher,
        send_after=timezone.now(),
        state=Message.State.SENT,
    )
    url = services.stop_url(mum, "email")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(url[url.index("/m/stop/") :])
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop e-mails from the school?")
    expect(page.locator("main")).to_contain_text("Riverside Primary")
    _parent_page_is_sound(page, screenshot, "stop")
    assert not ChannelStop.objects.exists()

    page.get_by_role("button", name="Stop e-mails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Done")
    _parent_page_is_sound(page, screenshot, "stop done")
    stop = ChannelStop.objects.get(parent=mum)
    assert stop.channel == "email" and stop.how == "link" and stop.restarted_at is None

    # Opened again, the page says it is already done (no second stop).
    page.goto(url[url.index("/m/stop/") :])
    expect(page.get_by_role("heading", level=1)).to_have_text("You have already stopped these")
    _parent_page_is_sound(page, screenshot, "stop again")
    assert ChannelStop.objects.count() == 1


def _parent_page_is_sound(page, screenshot, name):
    """As a parent's link page: no serious axe fault, no sideways scrolling at 320 px, the
    whole page under 60 KB transferred, and at most the one small Listen script."""
    page.wait_for_load_state("load")
    assert not page.js_errors, page.js_errors
    checks.assert_accessible(page)
    checks.assert_fits(page, PHONE)
    sizes = page.evaluate(
        "() => performance.getEntriesByType('navigation').concat("
        "performance.getEntriesByType('resource')).map(e => e.transferSize || e.encodedBodySize)"
    )
    assert sum(sizes) < 60_000, f"{name}: {sum(sizes)} bytes"
    scripts = page.locator("script")
    assert scripts.count() <= 1
    if scripts.count():
        assert "dist/parent" in scripts.get_attribute("src")
    page.set_viewport_size({"width": PHONE, "height": 800})
    screenshot(f"parent {name} 320")


def test_the_staff_pages_of_messages_fit_a_phone(
    cast, sign_in, page, screenshot, rowans, taught, templates, school_day
):
    """At 390 px wide: the write form and its preview, the good news for a class and its
    preview, the outbox, one message and the letters page, with nothing scrolling sideways."""
    school_family, isla, mum, dad = rowans
    mum.postal_address = "12 Rowan Road\nRiverside"
    mum.save()
    letter = Message.objects.create(
        school=cast.school,
        family=school_family.family,
        parent=mum,
        kind="good_news",
        channel="letter",
        subject="Good news about Isla",
        body="Isla read to the class.",
        to=mum.postal_address,
        sent_by=cast.pastoral,
        send_after=timezone.now(),
        state=Message.State.TO_PRINT,
    )

    def fits(name):
        page.set_viewport_size({"width": checks.PHONE_WIDTH, "height": 900})
        checks.assert_accessible(page)
        checks.assert_fits(page, checks.PHONE_WIDTH, height=900)
        screenshot(f"messages {name} 390")

    sign_in(cast.pastoral)
    page.set_viewport_size({"width": checks.PHONE_WIDTH, "height": 900})
    page.goto(f"/messages/family/{school_family.family_id}/new/?kind=good_news&child={isla.pk}")
    fits("write form")
    page.get_by_label("Your words").fill("Isla read her story to the whole class.")
    page.get_by_role("button", name="See the messages before sending").click()
    page.wait_for_load_state()
    fits("write preview")
    page.goto(f"/messages/good-news/?class={taught.pk}")
    fits("good news form")
    page.get_by_label("Isla Rowan").check()
    page.get_by_label("News for Isla").fill("A lovely painting.")
    page.get_by_role("button", name="See the messages before sending").click()
    page.wait_for_load_state()
    fits("good news preview")
    page.goto("/messages/")
    fits("outbox")
    page.goto(f"/messages/{letter.pk}/")
    fits("message")
    page.goto("/messages/letters/")
    fits("letters")
