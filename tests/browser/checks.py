"""Checks run on every page a journey visits: accessibility (axe-core), no sideways scrolling at
768 px (and at 390 px, a phone, where a journey asks), and light-page measurements (Largest
Contentful Paint, layout shift, JavaScript weight)."""

import gzip
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TABLET_WIDTH = 768
PHONE_WIDTH = 390
LCP_BUDGET_MS = 2500
CLS_BUDGET = 0.1
JS_BUDGET = 45 * 1024
DASHBOARD_JS_BUDGET = 120 * 1024

# Rows of {"page", "lcp_ms", "cls", "js_gzip_bytes", "scripts", ...} for the closing report.
MEASUREMENTS: list[dict] = []

_AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                    'best-practice']},
  });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5)
                  .map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}"""

_VITALS = """() => new Promise(resolve => {
  let lcp = 0, cls = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries())
      lcp = Math.max(lcp, e.renderTime || e.loadTime || e.startTime);
  }).observe({type: 'largest-contentful-paint', buffered: true});
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) cls += e.value;
  }).observe({type: 'layout-shift', buffered: true});
  const scripts = [...document.querySelectorAll('script[src]')].map(s => s.src);
  const styles = document.querySelectorAll('link[rel="stylesheet"]').length;
  const started = performance.now();
  const finish = () => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    if (!lcp && performance.now() - started < 2000) return setTimeout(finish, 100);
    resolve({lcp, fcp: fcp ? fcp.startTime : 0, cls, scripts, styles});
  };
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(finish, 200)));
})"""


_WIDE_ELEMENTS = """width => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > width + 1)
  .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
  .slice(0, 5)
  .map(el => el.outerHTML.slice(0, 160)
             + ' (' + Math.round(el.getBoundingClientRect().right) + 'px)')"""


def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` (scripts/browser-deps.sh does)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    # The portal's CSP forbids inline script, so add_script_tag would be refused; evaluating the
    # source through the DevTools protocol is not subject to the page's CSP.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(_AXE_RUN)


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def assert_fits(page, width: int, *, height: int = 1024):
    """No sideways scrolling when the window is `width` px wide (768 a tablet, 390 a phone)."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": height})
    try:
        scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
        if scroll_width > width:
            wide = page.evaluate(_WIDE_ELEMENTS, width)
            raise AssertionError(f"{page.url} is {scroll_width}px wide at {width}px: {wide}")
    finally:
        page.set_viewport_size(size)


def assert_fits_768(page):
    """No sideways scrolling on a 768 px wide tablet."""
    assert_fits(page, TABLET_WIDTH)


def _static_file(url: str) -> Path | None:
    path = urlsplit(url).path
    if not path.startswith(settings.STATIC_URL):
        return None
    relative = path[len(settings.STATIC_URL) :]
    from django.contrib.staticfiles import finders

    found = finders.find(relative)
    return Path(found) if found else None


def js_gzip_bytes(script_urls: list[str]) -> int:
    """What the page's scripts weigh compressed, as whitenoise serves them (gzip, level 9)."""
    total = 0
    for url in script_urls:
        path = _static_file(url)
        assert path is not None, f"script not served from our static files: {url}"
        total += len(gzip.compress(path.read_bytes(), compresslevel=9))
    return total


def measure(page, name: str, *, js_budget: int = JS_BUDGET) -> dict:
    """LCP, CLS, compressed JavaScript and bundle count for the page; asserts the budgets."""
    vitals = page.evaluate(_VITALS)
    # Chromium reports no LCP entry for some pages reached by a form post and redirect; the
    # first contentful paint then stands in, and the row says so (it is a lower bound).
    source = "lcp" if vitals["lcp"] else "fcp"
    row = {
        "page": name,
        "lcp_ms": round(vitals["lcp"] or vitals["fcp"]),
        "lcp_source": source,
        "cls": round(vitals["cls"], 4),
        "js_gzip_bytes": js_gzip_bytes(vitals["scripts"]),
        "scripts": len(vitals["scripts"]),
        "stylesheets": vitals["styles"],
    }
    MEASUREMENTS.append(row)
    print(row)
    assert row["lcp_ms"] <= LCP_BUDGET_MS, row
    assert row["cls"] <= CLS_BUDGET, row
    assert row["js_gzip_bytes"] <= js_budget, row
    # One stylesheet (print rules inside it) and at most one script bundle (static/dist/).
    assert row["stylesheets"] == 1, row
    assert row["scripts"] <= 1, row
    return row


_CHARTS_WITHOUT_TABLES = """() => [...document.querySelectorAll('main svg[role="img"]')]
  .filter(svg => !(svg.closest('section') && svg.closest('section').querySelector('table caption')))
  .map(svg => (svg.querySelector('title') || svg).textContent.trim().slice(0, 60))"""


def assert_charts_have_tables(page):
    """Every chart (an SVG image) comes with a table of the same figures, with a caption: as
    many captioned tables as charts, or else a captioned table in each chart's own section (one
    table may hold the figures of two charts, as the contact balance's by tone and by formality).
    """
    charts = page.locator("main svg[role='img']").count()
    tables = page.locator("main table:has(caption)").count()
    if charts <= tables:
        return
    alone = page.evaluate(_CHARTS_WITHOUT_TABLES)
    assert not alone, f"{page.url}: {charts} charts but {tables} captioned tables: {alone}"


def assert_no_keyboard_trap(page, *, limit: int = 300):
    """Tab moves through every control and on out of the page: focus is never stuck."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stuck, last = 0, None
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el === document.body ? null : el.outerHTML.slice(0, 120); }"
        )
        if here is None and last is not None:
            return  # focus left the last control of the page
        stuck = stuck + 1 if here == last else 0
        # Date and time inputs take one Tab per part (day, month, year, hours, minutes).
        allowed = 6 if re.search(r'type="(date|time|datetime-local)"', here or "") else 2
        assert stuck <= allowed, f"keyboard trap on {page.url} at {here}"
        last = here
    raise AssertionError(f"Tab never left the page within {limit} presses on {page.url}")


def page_is_sound(page, name: str | None = None, *, js_budget: int = JS_BUDGET):
    """Every check for a page a journey visits: axe, 768 px, and the light-page budgets."""
    page.wait_for_load_state("load")
    assert not getattr(page, "js_errors", []), page.js_errors
    name = name or urlsplit(page.url).path
    measure(page, name, js_budget=js_budget)
    assert_accessible(page)
    assert_charts_have_tables(page)
    assert_fits_768(page)


_CLIPPED_LABELS = """() => [...document.querySelectorAll('main svg')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .flatMap(svg => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')]
      .filter(t => t.textContent.trim())
      .map(t => ({t, r: t.getBoundingClientRect()}))
      .filter(({r}) => r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
                                       || r.top < box.top - 1 || r.bottom > box.bottom + 1))
      .map(({t, r}) => `"${t.textContent.trim().slice(0, 40)}" at ${Math.round(r.left)}–`
                       + `${Math.round(r.right)}px, drawing ${Math.round(box.left)}–`
                       + `${Math.round(box.right)}px`);
  }).slice(0, 5)"""


def assert_chart_labels_inside(page):
    """Every label of every drawing on the page lies wholly inside its drawing (none clipped)."""
    clipped = page.evaluate(_CLIPPED_LABELS)
    assert not clipped, f"chart labels outside their drawing on {page.url}: {clipped}"
