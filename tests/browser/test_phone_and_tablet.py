"""Every role's main pages at a phone's width (390 px) and a tablet's (768 px): nothing scrolls
sideways, axe-core finds no serious fault, chart labels sit inside their drawing, and the long
forms open with a short index of their sections. A screenshot of each page at each width goes to
test-artifacts/."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting, MeetingParent
from portal.models import Role
from tests import factories
from tests.browser import checks
from tests.dashboards.dashboard_data import populate
from tests.families.conftest import make_family

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("compass_defaults")]

WIDTHS = (checks.PHONE_WIDTH, checks.TABLET_WIDTH)
ORDER = "Court order (Sheriff Court, 2025): school reports only; no collection from school."


def _sweep(page, screenshot, name: str, *, js_budget: int = checks.JS_BUDGET):
    """The per-page checks, then at 390 px and 768 px: axe-core, no sideways scrolling, every
    chart label inside its drawing, and a screenshot."""
    checks.page_is_sound(page, name, js_budget=js_budget)
    size = page.viewport_size
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            checks.assert_accessible(page)
            checks.assert_fits(page, width, height=900)
            checks.assert_chart_labels_inside(page)
            screenshot(f"narrow-{name.replace(' ', '-')}-{width}")
    finally:
        page.set_viewport_size(size)


def _section_index_leads_to_each_section(page, form_name: str):
    """A long form opens with a short list of links to its sections, each a fieldset (or a
    section of the page) with a heading; every link leads to one."""
    index = page.get_by_role("navigation", name=form_name)
    links = index.get_by_role("link")
    assert links.count() >= 3, f"{page.url}: the index of {form_name} has too few links"
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        assert target and target.startswith("#"), target
        section = page.locator(target)
        expect(section).to_have_count(1)
        # A fieldset with its legend, or a section of the page with its heading.
        heading = section.locator(":scope > legend, :scope > h2")
        expect(heading).to_have_count(1)
        expect(heading).not_to_be_empty()
        assert section.evaluate("el => el.tagName") in ("FIELDSET", "SECTION"), target


def _restricted_family(cast, *, teacher):
    setup = make_family(cast, teacher=teacher, restricted_dad=True)
    link = setup.dad.child_links.get()
    link.restriction = ORDER
    link.save()
    return setup


def test_class_teachers_pages_fit_a_phone_and_a_tablet(cast, sign_in, page, screenshot):
    fam = _restricted_family(cast, teacher=cast.teacher)
    for name in ("Family Alder", "Family Birch", "Family Cedar-Montgomery-Fotheringham"):
        make_family(cast, name=name, teacher=cast.teacher)
    sign_in(cast.teacher)
    _sweep(page, screenshot, "teacher home")

    page.goto(reverse("families:family-list"))
    expect(page.get_by_role("table")).to_contain_text("Family Alder")
    _sweep(page, screenshot, "family list")

    page.goto(reverse("families:family-detail", args=[fam.family.pk]))
    expect(page.locator("main")).to_contain_text(ORDER)
    _sweep(page, screenshot, "family page with a restriction")

    page.goto(reverse("families:contact-add", args=[fam.family.pk]))
    _sweep(page, screenshot, "contact form")
    _section_index_leads_to_each_section(page, "Parts of this form")


def _review(cast):
    """A held meeting with steps, and the review meeting planned to go through them."""
    fam = make_family(cast, teacher=cast.teacher)
    first = factories.MeetingFactory(
        school=cast.school,
        family=fam.family,
        chair=cast.pastoral,
        starts_at=timezone.now() - datetime.timedelta(days=14),
    )
    first.children.add(fam.child)
    Meeting.objects.filter(pk=first.pk).update(status="held", held_at=first.starts_at)
    for what, status in (
        ("Ask the office about breakfast club", "done"),
        ("Start each day in the base, with a quiet job to do before the bell", "in_progress"),
    ):
        factories.ActionPointFactory(
            meeting=first, what=what, status=status, owner_staff=cast.teacher
        )
    review = factories.MeetingFactory(
        school=cast.school, family=fam.family, chair=cast.pastoral, previous=first
    )
    review.children.add(fam.child)
    review.invitations.create(parent=fam.mum, response=MeetingParent.Response.ATTENDING)
    review.invitations.create(parent=fam.dad)
    factories.ComplaintFactory(
        school=cast.school,
        family=fam.family,
        point_of_contact=cast.pastoral,
        about="The after-school club was cancelled twice this month without a message home.",
    )
    return fam, review


def test_pastoral_meeting_and_complaint_pages_fit(cast, sign_in, page, screenshot):
    fam, review = _review(cast)
    sign_in(cast.pastoral)
    page.goto(reverse("meetings:meeting-add", args=[fam.family.pk]))
    _sweep(page, screenshot, "meeting form")
    _section_index_leads_to_each_section(page, "Parts of this form")

    page.goto(reverse("meetings:meeting-plan", args=[review.pk]))
    expect(page.locator("main")).to_contain_text("Steps from the last meeting")
    _sweep(page, screenshot, "review plan with last steps")

    page.goto(reverse("meetings:meeting-detail", args=[review.pk]))
    expect(page.locator("main")).to_contain_text("Steps from the last meeting")
    _sweep(page, screenshot, "meeting record")
    _section_index_leads_to_each_section(page, "Parts of the record")

    page.goto(reverse("complaints:complaint-list"))
    expect(page.locator("main")).to_contain_text("after-school club")
    _sweep(page, screenshot, "complaint list")
    page.get_by_role("link", name=re.compile("after-school club|Family Rowan")).first.click()
    page.wait_for_url(re.compile(r"/complaints/\d+/$"))
    _sweep(page, screenshot, "complaint page")

    page.goto(reverse("complaints:complaint-add"))
    _sweep(page, screenshot, "complaint form")

    # Keeping the family up to date: a child before they start, a brother or sister.
    page.goto(reverse("families:child-before-start-add"))
    expect(page.locator("h1")).to_have_text("Record a child before they start")
    _sweep(page, screenshot, "child before they start")
    page.goto(reverse("families:child-add", args=[fam.family.pk]))
    expect(page.locator("h1")).to_have_text("Add a brother or sister")
    _sweep(page, screenshot, "add a brother or sister")


def _past_retention(cast):
    """A family whose only child left years ago, so its routine records are due for erasure."""
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Oak")
    factories.ChildFactory(
        school=cast.school, family=school_family.family, left_on=datetime.date(2019, 7, 1)
    )
    factories.ContactFactory(
        school=cast.school,
        family=school_family.family,
        summary="Good news call.",
        occurred_at=datetime.datetime(2019, 3, 1, 10, tzinfo=datetime.UTC),
    )


def test_headteachers_dashboard_and_erase_pages_fit(cast, sign_in, page, screenshot):
    populate(cast.school, 8, [cast.teacher, cast.pastoral])
    _past_retention(cast)
    sign_in(cast.headteacher)
    page.goto(reverse("dashboards:dashboard"))
    _sweep(page, screenshot, "dashboard", js_budget=checks.DASHBOARD_JS_BUDGET)
    assert page.locator("main svg").count() >= 1
    for name in ("dashboard-movement", "dashboard-contacts", "dashboard-attention"):
        page.goto(reverse(f"dashboards:{name}"))
        _sweep(page, screenshot, name.replace("-", " "), js_budget=checks.DASHBOARD_JS_BUDGET)

    page.goto(reverse("complaints:complaint-overview"))
    _sweep(page, screenshot, "complaint overview")

    page.goto(reverse("privacy:retention"))
    _sweep(page, screenshot, "retention")
    page.goto(reverse("privacy:erase"))
    expect(page.locator("main")).to_contain_text("Family Oak")
    _sweep(page, screenshot, "erase")


def test_chooser_and_authority_pages_fit(cast, sign_in, page, screenshot):
    factories.MembershipFactory(
        user=cast.teacher, school=cast.other_school, role=Role.PASTORAL, job_title="Guidance"
    )
    sign_in(cast.teacher)
    page.goto(reverse("school-switch"))
    expect(page.locator("main")).to_contain_text("Hillside Academy")
    _sweep(page, screenshot, "school chooser")

    page.context.clear_cookies()
    populate(cast.school, 6, [cast.pastoral])
    sign_in(cast.authority_officer)
    page.goto(reverse("home"))
    expect(page.locator("main")).to_contain_text("Riverside Council")
    _sweep(page, screenshot, "authority home")
    page.goto(reverse("dashboards:authority"))
    _sweep(page, screenshot, "authority figures", js_budget=checks.DASHBOARD_JS_BUDGET)
