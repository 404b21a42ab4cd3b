"""The headteacher's dashboard and the authority's figures in a real browser."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser import checks
from tests.dashboards.dashboard_data import populate

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("compass_defaults")]
REPAINT_BUDGET_MS = 200

_TIME_FILTER = """async ({value}) => {
  const select = document.querySelector('select[name="year_group"]');
  const settled = new Promise(resolve =>
    document.body.addEventListener('htmx:afterSettle', resolve, {once: true}));
  const start = performance.now();
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  await settled;
  await new Promise(requestAnimationFrame);
  const xhr = performance.getEntriesByType('resource')
    .filter(e => e.initiatorType === 'xmlhttprequest').pop();
  return {total: performance.now() - start,
          server: xhr ? xhr.responseStart - xhr.requestStart : null};
}"""


def test_headteacher_filters_the_dashboard_downloads_csv_and_reads_movement(
    cast, sign_in, page, screenshot
):
    families = populate(cast.school, 8, [cast.teacher, cast.pastoral])
    sign_in(cast.headteacher)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.wait_for_url(re.compile(r"/compass/dashboard/"))
    checks.page_is_sound(page, "dashboard", js_budget=checks.DASHBOARD_JS_BUDGET)
    regions = page.get_by_test_id("regions")
    expect(regions.locator("caption")).to_contain_text(f"{len(families)} in all")

    # A warm-up change, then five measured ones: the median repaint is within the budget.
    # Five, not three: on two busy cores one stall of the other test worker moved a
    # median of three (runs of 203, 1842 and 158 ms).
    page.evaluate(_TIME_FILTER, {"value": "P1"})
    runs = [page.evaluate(_TIME_FILTER, {"value": v}) for v in ("P4", "P1", "P4", "P1", "P4")]
    repaint_ms = sorted(r["total"] for r in runs)[len(runs) // 2]
    row = {
        "page": "dashboard filter repaint",
        "ms": round(repaint_ms),
        "runs_ms": [round(r["total"]) for r in runs],
        "server_ms": [round(r["server"] or 0) for r in runs],
    }
    checks.MEASUREMENTS.append(row)
    print(row)
    assert repaint_ms <= REPAINT_BUDGET_MS, row
    assert "year_group=P4" in page.url
    expect(regions.locator("caption")).to_contain_text(f"{len(families) // 2} in all")
    expect(regions.locator("caption")).to_contain_text("filtered")
    checks.page_is_sound(page, "dashboard filtered", js_budget=checks.DASHBOARD_JS_BUDGET)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download CSV.*each region")).click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) > 1
    header, *body = rows
    assert any("region" in cell.lower() for cell in header)
    counts = [int(cell) for r in body for cell in r[1:2] if cell.isdigit()]
    assert sum(counts) == len(families) // 2  # the CSV follows the filter on screen

    page.get_by_role("navigation", name="Dashboard pages").get_by_role(
        "link", name="Movement"
    ).click()
    page.wait_for_url(re.compile(r"/compass/dashboard/movement/"))
    checks.page_is_sound(page, "dashboard movement", js_budget=checks.DASHBOARD_JS_BUDGET)
    flow = page.get_by_test_id("flow")
    expect(flow.locator("caption")).to_contain_text("Rows: region at the start")
    assert flow.locator("thead th[scope='col']").count() >= 2
    assert flow.locator("tbody th[scope='row']").count() >= 2
    assert "year_group=P4" in page.url  # the filter carries across the dashboard's pages
    screenshot("headteacher-dashboard-movement")


def test_authority_officer_sees_aggregates_only(cast, sign_in, page, screenshot):
    families = populate(cast.school, 4, [cast.teacher, cast.pastoral])
    names = [sf.family.name for sf in families]
    sign_in(cast.authority_officer)
    checks.page_is_sound(page, "authority home")
    page.goto("/compass/authority/")
    checks.page_is_sound(page, "authority figures", js_budget=checks.DASHBOARD_JS_BUDGET)
    main = page.locator("main")
    expect(main.locator("table").first).to_be_visible()
    text = main.inner_text()
    for name in names:
        assert name not in text
    assert not page.locator("main a[href^='/families/']").count()

    for url in ("/families/", f"/families/{families[0].family.pk}/", "/compass/dashboard/"):
        response = page.goto(url)
        assert response.status in (403, 404), (url, response.status)
        checks.page_is_sound(page, f"authority refused {response.status}")
        for name in names:
            expect(page.locator("main")).not_to_contain_text(name)
    screenshot("authority-aggregates-only")
