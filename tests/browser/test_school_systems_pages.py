# ruff: noqa: F811
"""The pages issue 21 added, in a real browser at a phone's width (390 px) and a desk's (1280
px): no serious axe-core fault and nothing scrolling sideways.

- The sign-in page with the council's single sign-on switched on: its link is reached and
  followed with the keyboard alone (to the test OpenID provider of tests/single_sign_on, in its
  own process on 127.0.0.1), the password form still signs in, and the refusal pages (someone
  the portal does not know; an answer with no state) are plain and fit.
- "Data for your council" for an authority officer: the page, a token made by keyboard (its
  secret shown once, and not again on the next visit), a nameless token refused, revoking, and
  choosing the period.
- Administration's OneRoster pages for a superuser: upload, the dry run's report, "Confirm and
  import", the import's report with its counts, a bundle with problems, and a RosterSource's
  add page.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from council_data.models import CouncilToken
from families.models import Child
from school_systems.models import RosterImport
from tests import factories
from tests.browser import checks
from tests.council_data import data
from tests.school_systems.test_csv_bundle import FIXTURES, zip_folder

# The single sign-on tests' provider (a session-wide process) and settings, used by name
# (hence F811 on the arguments that use them).
from tests.single_sign_on.conftest import oidc, provider  # noqa: F401
from tests.single_sign_on.provider import serve

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("compass_defaults")]

WIDTHS = (checks.PHONE_WIDTH, 1280)
DESK = {"width": 1280, "height": 900}
COUNCIL_LINK = "Sign in with your council account"
REFUSED = "Signing in with your council account did not work"


def _fits(page, screenshot, name: str, *, widths=WIDTHS) -> None:
    """At each width: no serious axe fault, no sideways scrolling, and a screenshot."""
    page.wait_for_load_state("load")
    assert not page.js_errors, page.js_errors
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            checks.assert_accessible(page)
            checks.assert_fits(page, width, height=900)
            screenshot(f"issue21-{name.replace(' ', '-')}-{width}")
    finally:
        page.set_viewport_size(DESK)


def _tab_to(page, predicate_js: str, *, limit: int = 80) -> None:
    """Presses Tab until the focused element matches, failing if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate_js}; }}"):
            return
    raise AssertionError(f"Tab never reached: {predicate_js}")


@pytest.fixture
def sso_page(oidc, server, page):
    """A page on a portal started with single sign-on on (the settings apply before the server
    starts), its callback registered at the test provider."""
    oidc.register(server.url)
    return page


# --- Single sign-on: the sign-in page and the refusals.


def test_the_council_link_is_reached_by_keyboard_and_a_stranger_is_refused(
    sso_page, server, screenshot
):
    page = sso_page
    page.goto(reverse("login"))
    checks.page_is_sound(page, "sign-in with single sign-on")
    link = page.get_by_role("link", name=COUNCIL_LINK)
    expect(link).to_be_visible()
    expect(page.get_by_role("heading", name="Or use your council account")).to_be_visible()
    _fits(page, screenshot, "sign-in with single sign-on")

    # The keyboard alone: Tab to the council's link and follow it with Enter.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    _tab_to(page, f"el.textContent.trim() === {COUNCIL_LINK!r}")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/login/"))
    expect(page.get_by_role("heading", name="Council identity provider")).to_be_visible()

    # Someone the council knows but the portal does not: refused, plainly, and not signed in.
    page.get_by_label("Username").fill("stranger.provider")
    page.get_by_label("Password").fill(serve.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/sso/oidc/callback/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(REFUSED)
    main = page.locator("main")
    expect(main).to_contain_text("The portal does not have an account for you yet.")
    expect(main).to_contain_text("portal administrator")
    checks.page_is_sound(page, "refused: not known to the portal")
    _fits(page, screenshot, "refused unknown")
    page.get_by_role("link", name="Back to sign in").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_an_answer_with_no_state_is_refused_plainly(sso_page, server, screenshot):
    page = sso_page
    response = page.goto(reverse("single_sign_on:oidc-callback"))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(REFUSED)
    expect(page.locator("main")).to_contain_text("Nothing has been changed")
    checks.page_is_sound(page, "refused: no state")
    _fits(page, screenshot, "refused no state")


def test_the_password_form_still_signs_in_beside_the_council_link(
    sso_page, cast, sign_in, screenshot
):
    page = sign_in(cast.teacher)
    expect(page.locator("main")).to_contain_text("Riverside Primary")
    # Signed out again, the sign-in page still offers both ways in.
    page.context.clear_cookies()
    page.goto(reverse("login"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("link", name=COUNCIL_LINK)).to_be_visible()


# --- Data for your council.


def test_an_officer_makes_revokes_and_chooses_on_the_council_data_page(cast, sign_in, screenshot):
    for school in (cast.school, factories.SchoolFactory(authority=cast.school.authority)):
        data.families(school, 6)
        data.families(school, 3, region="south-west")
    page = sign_in(cast.authority_officer)
    page.goto(reverse("council_data:page"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Data for your council")
    expect(page.get_by_test_id("no-tokens")).to_be_visible()
    checks.page_is_sound(page, "council data")
    _fits(page, screenshot, "council data")

    # A token with no name is refused, and nothing is made.
    page.get_by_label("What will use this token?").fill("   ")
    page.get_by_role("button", name="Make the token").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Give the token a name, e.g. the reporting tool")
    expect(page.get_by_label("What will use this token?")).to_have_attribute("aria-invalid", "true")
    assert not CouncilToken.objects.exists()
    _fits(page, screenshot, "council data nameless token")

    # Made with the keyboard alone: Tab to the name, type it, Enter.
    page.goto(reverse("council_data:page"))
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    _tab_to(page, "el.id === 'id_name'")
    page.keyboard.type("Power BI")
    page.keyboard.press("Enter")
    made = page.get_by_test_id("token-made")
    expect(made).to_be_visible()
    expect(made).to_contain_text("It is shown only this once")
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    token = CouncilToken.objects.get()
    assert token.name == "Power BI" and secret.startswith(f"pcc_{token.prefix}_")
    _fits(page, screenshot, "council data token made")

    # Opened again, the page lists the token but never shows its secret.
    page.goto(reverse("council_data:page"))
    expect(page.get_by_test_id("token-made")).to_have_count(0)
    expect(page.get_by_test_id("tokens")).to_contain_text("Power BI")
    assert secret not in page.content()
    assert secret.removeprefix(f"pcc_{token.prefix}_") not in page.content()

    # Revoked: it stays listed, marked so, with no button to revoke it again.
    page.get_by_role("button", name="Revoke “Power BI”").click()
    page.wait_for_url(re.compile(r"/council-data/$"))
    expect(page.locator("main")).to_contain_text("“Power BI” is revoked")
    expect(page.get_by_test_id("tokens")).to_contain_text("Revoked")
    expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(0)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == cast.authority_officer
    _fits(page, screenshot, "council data token revoked")

    # The school year instead of the term: the downloads follow the choice.
    page.get_by_label("Compare").select_option("year")
    page.get_by_role("button", name="Choose this period").click()
    page.wait_for_url(re.compile(r"\?period=year$"))
    expect(page.get_by_label("Compare")).to_have_value("year")
    for name in ("Download CSV", "Download JSON"):
        assert "period=year" in page.get_by_role("link", name=name).get_attribute("href")
    checks.page_is_sound(page, "council data by year")
    _fits(page, screenshot, "council data by year")


# --- Administration: OneRoster imports and sources.


def _admin_sound(page, screenshot, name: str) -> None:
    """Administration's pages are Django's own: axe at 1280 px; and nothing scrolls sideways at
    390 px either (Django's admin stacks its forms and tables at a phone's width)."""
    page.wait_for_load_state("load")
    page.set_viewport_size(DESK)
    checks.assert_accessible(page)
    checks.assert_fits(page, 1280, height=900)
    checks.assert_fits(page, checks.PHONE_WIDTH, height=900)
    screenshot(f"issue21-admin-{name.replace(' ', '-')}")


def _counts(page) -> dict[str, tuple[str, ...]]:
    """The report's table: each kind of record with its created, updated and unchanged counts."""
    rows = page.locator("table:has(caption:text-matches('What the import', 'i')) tbody tr")
    return {
        rows.nth(i).locator("th").inner_text().strip(): tuple(
            cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()
        )
        for i in range(rows.count())
    }


def _upload(page, school, bundle) -> None:
    page.goto(reverse("admin:school_systems_rosterimport_upload"))
    page.get_by_label(re.compile(r"^School:?$")).select_option(value=str(school.pk))
    page.get_by_label("OneRoster bundle (.zip)").set_input_files(str(bundle))
    page.get_by_role("button", name="Check the bundle (dry run)").click()
    page.wait_for_url(re.compile(r"/report/$"))


def test_a_superuser_checks_and_imports_a_oneroster_bundle(cast, sign_in, screenshot, tmp_path):
    boss = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
    page = sign_in(boss)
    page.goto(reverse("admin:school_systems_rosterimport_upload"))
    expect(page.get_by_label("OneRoster bundle (.zip)")).to_be_visible()
    _admin_sound(page, screenshot, "oneroster upload")

    clean = zip_folder(FIXTURES / "oneroster_1_1_clean", tmp_path / "oneroster_1_1_clean.zip")
    _upload(page, cast.school, clean)
    expect(page.get_by_test_id("import-headline")).to_have_text(
        "Dry run of 4 row(s), nothing saved: no problems."
    )
    expect(page.get_by_test_id("roster-import")).to_have_attribute("data-dry-run", "yes")
    counts = _counts(page)
    assert set(counts) == {"Families", "Children", "Parents and carers", "Parent–child links"}
    assert counts["Children"][0] == "3", counts  # three pupils would be created
    assert not Child.objects.exists()  # a dry run saves nothing
    _admin_sound(page, screenshot, "oneroster dry run")

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(re.compile(r"/report/$"))
    expect(page.get_by_test_id("roster-import")).to_have_attribute("data-dry-run", "no")
    expect(page.get_by_test_id("import-headline")).to_have_text("Imported 4 row(s) (no problems).")
    expect(page.locator("#content-main table caption").first).to_have_text("What the import did")
    assert _counts(page)["Children"][0] == "3"
    assert Child.objects.count() == 3
    _admin_sound(page, screenshot, "oneroster import report")

    # A bundle with problems: each is listed by file and line, and the rest can still go in.
    # (Into the other school, so the first import does not colour this check.)
    messy = zip_folder(FIXTURES / "oneroster_messy", tmp_path / "oneroster_messy.zip")
    _upload(page, cast.other_school, messy)
    problems = page.get_by_test_id("import-errors")
    expect(page.locator("#content-main")).to_contain_text("Rows with problems (6)")
    expect(problems.locator("tbody tr")).to_have_count(6)
    expect(problems).to_contain_text("users.csv line 3")
    expect(problems).to_contain_text("demographics.csv line 4")
    expect(page.get_by_role("button", name="Confirm and import")).to_be_visible()
    _admin_sound(page, screenshot, "oneroster problems")
    assert RosterImport.objects.filter(dry_run=True).count() == 2


def test_a_superuser_opens_a_roster_source_form(cast, sign_in, screenshot):
    boss = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
    page = sign_in(boss)
    page.goto(reverse("admin:school_systems_rostersource_add"))
    expect(page.get_by_label("Client secret")).to_have_attribute("type", "password")
    _admin_sound(page, screenshot, "roster source add")

    # Sent with plain http:// addresses and no secret: refused, each field saying why.
    page.get_by_label("OneRoster base URL").fill("http://sis.example.org/ims/oneroster/v1p1")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#content-main")).to_contain_text("Use an https:// address")
    expect(page.locator("#content-main")).to_contain_text("Enter the client secret")
    _admin_sound(page, screenshot, "roster source refused")
