"""The safeguarding pages, in a real browser at a phone's width (390 px) and a tablet's (768 px):
the headteacher's Staff access page, the sign-in pause and getting back in, a restricted parent
on a meeting's pages, the family page and subject access copy held back for a restriction, the
busy page when the database cannot answer, and an edit conflict shown side by side. Each page
passes the per-page checks (axe-core, no sideways scrolling, the light-page budgets) at both
widths, with a screenshot of each in test-artifacts/."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from families.models import Family
from meetings.models import Meeting
from portal.models import Role, StaffAccessChange
from tests import factories
from tests.browser import checks
from tests.factories import PASSWORD
from tests.families.conftest import make_family
from tests.robustness.outage import failing_sql

pytestmark = pytest.mark.browser

WIDTHS = (checks.PHONE_WIDTH, checks.TABLET_WIDTH)
ORDER = (
    "Court order (Sheriff Court, 2025): school reports and parents' evening only; "
    "no collection from school and no address details."
)
DADS_PHONE = "07700 900456"


def _sound_at_phone_and_tablet(page, screenshot, name: str):
    """The per-page checks, then axe-core, no sideways scrolling and a screenshot at 390 px and
    at 768 px (a narrow window can bring out faults a wide one hides: a collapsed menu, a
    table or a long word that will not wrap)."""
    checks.page_is_sound(page, name)
    size = page.viewport_size
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            checks.assert_accessible(page)
            checks.assert_fits(page, width, height=900)
            screenshot(f"safeguarding-{name.replace(' ', '-')}-{width}")
    finally:
        page.set_viewport_size(size)


def _restricted_family(cast, *, teacher=None):
    """Family Rowan: Robin, Morven (no restriction, a phone) and Duncan, whose link to Robin
    records a court order; his phone is held for the staff who need it."""
    setup = make_family(cast, teacher=teacher, restricted_dad=True)
    link = setup.dad.child_links.get()
    link.restriction = ORDER
    link.save()
    setup.dad.first_name, setup.dad.last_name = "Duncan", "Rowan"
    setup.dad.phone, setup.dad.email = DADS_PHONE, "duncan@example.org"
    setup.dad.save()
    setup.mum.first_name, setup.mum.last_name = "Morven", "Rowan"
    setup.mum.phone = "07700 900123"
    setup.mum.save()
    return setup


def test_headteacher_staff_access_page(cast, sign_in, page, screenshot):
    newcomer = factories.UserFactory(username="newcomer", first_name="Nia", last_name="Brook")
    factories.MembershipFactory(
        user=newcomer,
        school=cast.school,
        role=Role.PASTORAL,
        job_title="Family support worker",
        confirmed_at=None,
        requested_by=cast.admin,
        requested_at=timezone.now(),
    )
    factories.StaffAccessChangeFactory(
        actor=cast.admin,
        actor_name="Ada Administrator",
        subject=newcomer,
        subject_name="Nia Brook",
        school=cast.school,
        kind=StaffAccessChange.Kind.MEMBERSHIP,
        what="Role at Riverside Primary asked for",
        before="",
        after="Pastoral or guidance (Family support worker), active, awaiting confirmation",
    )
    factories.StaffAccessChangeFactory(
        actor=cast.admin,
        actor_name="Ada Administrator",
        group_name="Administrators",
        kind=StaffAccessChange.Kind.GROUP_PERMISSIONS,
        what="Permissions of the group Administrators",
        # As portal/admin.py words them.
        before="Can add user (auth); Can change user (auth); Can view user (auth)",
        after=(
            "Can add membership (portal); Can add user (auth); Can change membership (portal); "
            "Can change user (auth); Can view membership (portal); Can view user (auth)"
        ),
    )
    sign_in(cast.headteacher)
    page.goto(reverse("staff-access", kwargs={"pk": cast.school.pk}))
    waiting = page.get_by_test_id("waiting")
    expect(waiting).to_contain_text("Nia Brook")
    expect(waiting).to_contain_text("Pastoral or guidance")
    expect(waiting.get_by_role("button", name="Confirm")).to_be_visible()
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text("Role at Riverside Primary asked for")
    expect(changes).to_contain_text("Can change membership (portal)")
    _sound_at_phone_and_tablet(page, screenshot, "staff access")


def test_locked_out_and_unlock_request_pages(cast, sign_in, page, screenshot, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    page.goto("/accounts/login/")
    for _ in range(6):
        if page.get_by_role("heading", name=re.compile("Sign-in is paused")).count():
            break
        page.get_by_label("Username").fill(cast.teacher.username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in is paused for 15 minutes")
    _sound_at_phone_and_tablet(page, screenshot, "locked out")

    page.get_by_label("Username").fill(cast.teacher.username)
    page.get_by_role("button", name="E-mail me an unlock link").click()
    page.wait_for_url(re.compile(r"/accounts/unlock/sent/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    _sound_at_phone_and_tablet(page, screenshot, "unlock sent")
    assert len(mail.outbox) == 1

    # The e-mailed link, then signing in from the connection that was paused.
    link = re.search(r"https?://[^/]+(/accounts/unlock/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    _sound_at_phone_and_tablet(page, screenshot, "unlock confirm")
    page.get_by_role("button", name="Open signing in again").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.locator("main")).to_contain_text("Signing in is open again")
    _sound_at_phone_and_tablet(page, screenshot, "signing in open again")
    page.get_by_label("Username").fill(cast.teacher.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/" not in page.url, f"still signing in at {page.url}"

    page.goto(reverse("unlock-request"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Open signing in again")
    _sound_at_phone_and_tablet(page, screenshot, "unlock request")
    page.goto(reverse("unlock-by-code"))
    _sound_at_phone_and_tablet(page, screenshot, "unlock by code")


def test_meeting_pages_with_a_restricted_parent(cast, sign_in, page, screenshot):
    fam = _restricted_family(cast)
    meeting = factories.MeetingFactory(
        school=cast.school,
        family=fam.family,
        chair=cast.pastoral,
        place_kind=Meeting.Place.HOME,
        place_details="14 Elm Road, Riverside RV1 2AB",
    )
    meeting.children.add(fam.child)
    for parent in (fam.mum, fam.dad):
        meeting.invitations.create(parent=parent)
    sign_in(cast.pastoral)

    page.goto(reverse("meetings:meeting-add", args=[fam.family.pk]))
    expect(page.locator("main")).to_contain_text(f"Duncan Rowan — restriction recorded: “{ORDER}”")
    _sound_at_phone_and_tablet(page, screenshot, "meeting add restricted")

    page.goto(reverse("meetings:meeting-plan", args=[meeting.pk]))
    expect(page.locator("main")).to_contain_text(ORDER)
    expect(page.locator("main")).to_contain_text("No letter or calendar file for Duncan Rowan")
    _sound_at_phone_and_tablet(page, screenshot, "meeting plan restricted")

    response = page.goto(
        reverse("meetings:meeting-letter", args=[meeting.pk]) + f"?parent={fam.dad.pk}"
    )
    assert response.status == 403
    refusal = page.get_by_test_id("restriction-refusal")
    expect(refusal).to_contain_text("a recorded restriction applies")
    expect(refusal).to_contain_text(ORDER)
    _sound_at_phone_and_tablet(page, screenshot, "letter refused")


def test_family_page_holds_back_a_restricted_parents_details(cast, sign_in, page, screenshot):
    fam = _restricted_family(cast, teacher=cast.teacher)
    sign_in(cast.teacher)
    page.goto(reverse("families:family-detail", args=[fam.family.pk]))
    expect(page.get_by_test_id("details-held")).to_contain_text(
        "Held by the pastoral team and the family's key contact"
    )
    expect(page.locator("main")).to_contain_text(ORDER)
    expect(page.locator("main")).not_to_contain_text(DADS_PHONE)
    _sound_at_phone_and_tablet(page, screenshot, "family restricted")


def test_subject_access_page_for_a_restricted_parent(cast, sign_in, page, screenshot):
    fam = _restricted_family(cast, teacher=cast.teacher)
    factories.ContactFactory(family=fam.family, school=cast.school, staff=cast.teacher)
    sign_in(cast.headteacher)
    page.goto(reverse("privacy:subject-access", args=[fam.dad.pk]))
    expect(page.get_by_test_id("restriction")).to_contain_text(ORDER)
    _sound_at_phone_and_tablet(page, screenshot, "subject access restricted")


def test_busy_pages_when_the_database_cannot_answer(cast, sign_in, page, screenshot):
    fam = make_family(cast, teacher=cast.teacher)
    sign_in(cast.pastoral)
    strengths = reverse("families:family-strengths", args=[fam.family.pk])
    page.goto(strengths)
    typed = "Robin's gran walks him in every day and stays for the reading café on Fridays."
    page.get_by_label(re.compile("strengths", re.I)).first.fill(typed)

    # Its own patcher: undoing it must not undo the browser fixture's settings.
    with pytest.MonkeyPatch.context() as patch:
        failing_sql(patch, "families_family")
        page.get_by_role("button", name=re.compile("^Save")).click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1)).to_have_text("We could not save this just now")
        expect(page.locator("main textarea").first).to_have_value(typed)
        _sound_at_phone_and_tablet(page, screenshot, "busy saving")

        response = page.goto(reverse("families:family-detail", args=[fam.family.pk]))
        assert response.status == 503
        expect(page.get_by_role("heading", level=1)).to_have_text("The portal is busy just now")
        _sound_at_phone_and_tablet(page, screenshot, "busy reading")
    assert Family.objects.get(pk=fam.family.pk).strengths != typed


def test_strengths_conflict_shown_side_by_side(cast, sign_in, page, screenshot):
    fam = make_family(cast, teacher=cast.teacher)
    sign_in(cast.pastoral)
    page.goto(reverse("families:family-strengths", args=[fam.family.pk]))
    family = Family.objects.get(pk=fam.family.pk)
    family.strengths = "Their version: gran walks Robin in every day, whatever the weather."
    family.save()
    mine = "My version: Robin loves football and coaches the younger ones at break."
    page.get_by_label(re.compile("strengths", re.I)).first.fill(mine)
    page.get_by_role("button", name=re.compile("^Save")).click()
    page.wait_for_load_state()
    conflict = page.get_by_test_id("edit-conflict")
    expect(conflict).to_contain_text("Someone else saved this while you were editing it")
    expect(conflict).to_contain_text("Their version: gran walks Robin")
    expect(conflict).to_contain_text("My version: Robin loves football")
    _sound_at_phone_and_tablet(page, screenshot, "strengths conflict")
    assert Family.objects.get(pk=fam.family.pk).strengths.startswith("Their version")
