"""Points 16 and 17 in a real browser: where concerns cluster, and recording consent to share,
accessible and without sideways scrolling on a phone."""

import re

import pytest
from playwright.sync_api import expect

from consent.models import Consent
from families.models import Tone
from families.services import contact_log
from portal.models import School
from tests.browser import checks
from tests.families.conftest import make_family

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("compass_defaults")]
PHONE = 390


def _simon(cast):
    cast.school.stage = School.Stage.SECONDARY
    cast.school.save()
    fam = make_family(cast, name="Simon's family", teacher=cast.teacher)
    for lesson in ("period_3", "period_3", "period_5"):
        contact_log(
            school=cast.school,
            family=fam.family,
            staff=cast.teacher,
            parents=[fam.mum],
            tone=Tone.CONCERN,
            subject="History",
            lesson=lesson,
            summary="Simon left the History lesson after a disagreement.",
        )
    return fam


def test_pastoral_lead_sees_the_cluster_and_records_consent_on_a_phone(cast, sign_in, page):
    fam = _simon(cast)
    sign_in(cast.pastoral)
    page.goto(f"/families/{fam.family.pk}/")
    checks.page_is_sound(page, "family page with patterns and consent")
    checks.assert_fits(page, PHONE)
    expect(page.get_by_test_id("concerns-by-subject")).to_contain_text("History")

    page.get_by_role("link", name="Record a consent to share").click()
    checks.page_is_sound(page, "consent form")
    checks.assert_fits(page, PHONE)
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Choose who gave consent.")).to_be_visible()
    page.get_by_label(f"{fam.mum.full_name} (parent or carer)").check()
    page.get_by_label("Attendance").check()
    page.get_by_label("With whom (organisation)").fill("Castlebrae Health Centre")
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url(re.compile(rf"/families/{fam.family.pk}/"))
    expect(page.get_by_test_id("consent-list")).to_contain_text("Consent in place")
    checks.assert_fits(page, PHONE)
    assert Consent.objects.filter(family=fam.family).count() == 1


def test_headteacher_reads_where_concerns_cluster_on_a_phone(cast, sign_in, page):
    _simon(cast)
    sign_in(cast.headteacher)
    page.goto("/compass/dashboard/patterns/")
    checks.page_is_sound(page, "dashboard concern clusters", js_budget=checks.DASHBOARD_JS_BUDGET)
    checks.assert_fits(page, PHONE)
    expect(page.get_by_test_id("concerns-by-subject")).to_contain_text("History")
    expect(page.get_by_test_id("concerns-by-lesson")).to_contain_text("Period 3")
