"""Two whole days in a real browser, asserting what each person sees.

A class teacher's day: signs in, sees their class's families (and no other class's), reads a
family page within what they may see, logs a contact for a pupil from the form's index of
sections, and sees what is due and clears it.

An office's day: the school office signs in, imports the morning's export from the school
information system through Administration (a dry run first, with the row that has a problem
named by line), imports it, then sends the corrected row and the day's changes, and finds its
imports listed."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from families.models import Child, Contact, Family, ParentCarer
from portal.access import IMPORT_PERMS
from portal.models import Role
from tests import factories
from tests.browser import checks
from tests.families.conftest import make_family

pytestmark = pytest.mark.browser

ORDER = "Court order (Sheriff Court, 2025): school reports only; no collection from school."
PASTORAL_ONLY = "Mum spoke in confidence about a hard month at home; the guidance team follow up."


def _families_page(fam):
    return re.compile(rf"/families/{fam.family.pk}/([?#].*)?$")


def _class_teachers_morning(cast):
    """Two families of the teacher's class (one with a recorded restriction and a contact kept
    to the pastoral team), one of another class, and a follow-up the teacher promised for today.
    """
    rowan = make_family(cast, name="Family Rowan", teacher=cast.teacher, restricted_dad=True)
    link = rowan.dad.child_links.get()
    link.restriction = ORDER
    link.save()
    factories.ContactFactory(
        school=cast.school,
        family=rowan.family,
        staff=cast.pastoral,
        summary=PASTORAL_ONLY,
        confidentiality=Contact.Confidentiality.PASTORAL,
        confidentiality_reason="Health of a parent.",
    )
    factories.ContactFactory(
        school=cast.school,
        family=rowan.family,
        staff=cast.pastoral,
        summary="Robin's mum dropped in the permission slip for the museum trip.",
        occurred_at=timezone.now() - datetime.timedelta(days=3),
    )
    alder = make_family(cast, name="Family Alder", teacher=cast.teacher)
    factories.ContactFactory(
        school=cast.school,
        family=alder.family,
        staff=cast.teacher,
        summary="Dad asked how Robin's reading is going at home.",
        agreed="Ring Dad on Thursday with the new reading book.",
        follow_up_on=timezone.localdate(),
        follow_up_owner=cast.teacher,
        occurred_at=timezone.now() - datetime.timedelta(days=5),
    )
    make_family(cast, name="Family Hazel")  # another class: not this teacher's pupils
    return rowan, alder


def test_a_class_teachers_day(cast, sign_in, page, screenshot):
    rowan, alder = _class_teachers_morning(cast)
    sign_in(cast.teacher)
    checks.page_is_sound(page, "teacher home")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Teacher")
    due = page.get_by_role("region", name="My follow-ups")
    expect(due).to_contain_text("Family Alder")
    expect(due).to_contain_text("due today")
    expect(due).to_contain_text("Ring Dad on Thursday")

    # Their class's families, and no one else's.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Families").click()
    checks.page_is_sound(page, "family list")
    families = page.get_by_role("table")
    expect(families).to_contain_text("Family Rowan")
    expect(families).to_contain_text("Family Alder")
    expect(families).not_to_contain_text("Family Hazel")
    checks.assert_fits(page, checks.PHONE_WIDTH)

    # The family page, within what a class teacher may see.
    # Named with its children (told apart from any family that reads alike).
    page.get_by_role("link", name=re.compile(r"^Family Rowan \(")).click()
    page.wait_for_url(_families_page(rowan))
    checks.page_is_sound(page, "family page")
    who = page.get_by_role("region", name="Who is who")
    expect(who).to_contain_text("Restriction recorded")
    expect(who).to_contain_text(ORDER)
    expect(page.locator("main")).to_contain_text("permission slip for the museum trip")
    expect(page.locator("main")).not_to_contain_text("spoke in confidence")
    checks.assert_fits(page, checks.PHONE_WIDTH)

    # A contact for the pupil, reaching the follow-up through the form's index of sections.
    page.get_by_role("link", name=re.compile("^Log (a )?contact")).first.click()
    page.wait_for_url(re.compile(r"/contacts/new/"))
    checks.page_is_sound(page, "contact form")
    index = page.get_by_role("navigation", name="Parts of this form")
    expect(index.get_by_role("link", name="Follow-up")).to_be_visible()
    page.get_by_label("Channel").select_option(label="Face to face (e.g. at the gate)")
    page.get_by_role("radio", name="Positive").check()
    page.get_by_label("Summary").fill(
        "Told Mum at the gate that Robin led his group's science talk brilliantly."
    )
    page.set_viewport_size({"width": checks.PHONE_WIDTH, "height": 800})
    index.get_by_role("link", name="Follow-up").click()
    follow_up = page.get_by_role("group", name="Follow-up")
    expect(follow_up).to_be_in_viewport()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_url(_families_page(rowan))
    checks.page_is_sound(page, "family page after logging")
    expect(page.locator("#chronology article").first).to_contain_text("science talk")
    logged = Contact.objects.get(family=rowan.family, staff=cast.teacher)
    assert logged.tone == "positive" and logged.children.get() == rowan.child

    # What is due: the follow-up promised to Family Alder, logged and cleared.
    page.get_by_role("link", name="Home").first.click()
    due = page.get_by_role("region", name="My follow-ups")
    due.get_by_role("link", name=re.compile("Log the follow-up")).click()
    page.wait_for_url(re.compile(r"/contacts/new/\?completes="))
    checks.page_is_sound(page, "follow-up form")
    expect(page.locator("main")).to_contain_text("This completes the follow-up")
    page.get_by_label("Channel").select_option(label="Phone call")
    page.get_by_role("radio", name="Neutral").check()
    page.get_by_label("Summary").fill("Rang Dad: the new reading book goes home on Friday.")
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_url(_families_page(alder))
    page.get_by_role("link", name="Home").first.click()
    checks.page_is_sound(page, "teacher home at the end of the day")
    expect(page.get_by_role("region", name="My follow-ups")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Ring Dad on Thursday")
    screenshot("day-class-teacher")


# --- An office's day --------------------------------------------------------------------------

HEADER = (
    "pupil_id,pupil_first_name,pupil_last_name,date_of_birth,year_group,family_ref,parent_id,"
    "parent_first_name,parent_last_name,relationship,phone"
)
MORNING = [
    "P-101,Isla,Munro,2017-03-14,P4,F-1,A-1,Kirsty,Munro,mother,07700 900111",
    "P-102,Ewan,Munro,2019-10-02,P2,F-1,A-1,Kirsty,Munro,mother,07700 900111",
    "P-201,Zara,Begum,31/02/2018,P3,F-2,A-2,Amina,Begum,mother,07700 900222",
]
AFTERNOON = [
    # The corrected row, and Kirsty Munro's new number.
    "P-201,Zara,Begum,28/02/2018,P3,F-2,A-2,Amina,Begum,mother,07700 900222",
    "P-101,Isla,Munro,2017-03-14,P4,F-1,A-1,Kirsty,Munro,mother,07700 900999",
]


def _office(cast):
    """The school office: a staff account given the import permissions in Administration, with
    a role at the school (Teacher or support staff, job title School office)."""
    user = factories.UserFactory(username="office", first_name="Oona", is_staff=True)
    for perm in IMPORT_PERMS:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    factories.MembershipFactory(
        user=user, school=cast.school, role=Role.STAFF, job_title="School office"
    )
    return user


def _csv(rows) -> dict:
    text = "\n".join([HEADER, *rows]) + "\n"
    return {"name": "sims-export.csv", "mimeType": "text/csv", "buffer": text.encode()}


def _upload(page, rows, school):
    page.get_by_label("School").select_option(value=str(school.pk))
    page.get_by_label("CSV file").set_input_files(_csv(rows))
    page.get_by_role("button", name="Check the file (dry run)").click()
    page.wait_for_url(re.compile(r"/import/runs/\d+/$"))
    _wait_until_finished(page)


def _wait_until_finished(page):
    """The run's page refreshes itself until the run is done."""
    expect(page.locator("[data-testid='import-run']")).to_have_attribute(
        "data-status", "done", timeout=30_000
    )


def _admin_page_is_sound(page, name):
    """Administration's pages are Django's own (their stylesheets and scripts): accessibility,
    and no sideways scrolling at a tablet's and a phone's width."""
    page.wait_for_load_state("load")
    checks.assert_accessible(page)
    checks.assert_fits(page, checks.TABLET_WIDTH)
    checks.assert_fits(page, checks.PHONE_WIDTH)


def _counts(page) -> dict[str, tuple[str, str, str]]:
    """The report's table: each kind of record with its created, updated and unchanged counts."""
    rows = page.locator("table:has(caption:text-matches('What the import', 'i')) tbody tr")
    return {
        rows.nth(i).locator("th").inner_text().strip(): tuple(
            cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()
        )
        for i in range(rows.count())
    }


def test_an_offices_day(cast, sign_in, page, screenshot):
    office = _office(cast)
    sign_in(office)
    checks.page_is_sound(page, "office home")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Oona")
    expect(page.locator("main")).to_contain_text("School office at Riverside Primary")

    # The morning's export: a dry run first, which names the row with a problem.
    page.goto(reverse("admin:families_child_changelist"))
    page.get_by_role("link", name="Import from CSV").click()
    _admin_page_is_sound(page, "import form")
    _upload(page, MORNING, cast.school)
    _admin_page_is_sound(page, "dry run report")
    expect(page.get_by_test_id("import-headline")).to_have_text(
        "Dry run of 3 row(s), nothing saved: 1 row(s) with problems."
    )
    problems = page.locator("table:has(caption:text('Rows that cannot be imported'))")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(problems).to_contain_text("4")  # the line in the file: header, then rows 2 to 4
    expect(problems).to_contain_text("“31/02/2018”, which is not a date")
    expect(page.locator("#content-main")).to_contain_text("These rows will be left out")
    assert _counts(page)["Families"][0] == "1"  # Family Munro would be created
    assert not Family.objects.exists()  # a dry run saves nothing

    # Import the good rows.
    page.get_by_role("button", name="Confirm and import").click()
    _wait_until_finished(page)
    _admin_page_is_sound(page, "import report")
    expect(page.get_by_test_id("import-headline")).to_have_text(
        "Imported 3 row(s) (1 row(s) with problems)."
    )
    expect(page.locator("#content-main")).to_contain_text("These rows were left out")
    assert _counts(page)["Children"][0] == "2"
    assert set(Child.objects.values_list("first_name", flat=True)) == {"Isla", "Ewan"}

    # The corrected row and the day's change of number: Zara joins, Kirsty's number is updated.
    page.get_by_role("link", name="import another file").click()
    _upload(page, AFTERNOON, cast.school)
    expect(page.get_by_test_id("import-headline")).to_have_text(
        "Dry run of 2 row(s), nothing saved: no problems."
    )
    counts = _counts(page)
    assert counts["Children"][0] == "1" and counts["Parents and carers"][1] == "1", counts
    page.get_by_role("button", name="Confirm and import").click()
    _wait_until_finished(page)
    expect(page.get_by_test_id("import-headline")).to_have_text("Imported 2 row(s) (no problems).")
    assert Child.objects.filter(first_name="Zara", date_of_birth="2018-02-28").exists()
    assert ParentCarer.objects.get(first_name="Kirsty").phone == "07700 900999"

    # The day's imports, newest first, each with who started it.
    page.get_by_role("link", name="Recent imports").first.click()
    _admin_page_is_sound(page, "recent imports")
    runs = page.locator("#content-main table tbody tr")
    expect(runs).to_have_count(4)
    expect(runs.first).to_contain_text("Oona")
    screenshot("day-school-office")
