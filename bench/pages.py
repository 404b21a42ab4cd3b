"""Measure the portal's key pages through the Django test client, at two data sizes at once.

For each page and size: server time (median, 95th percentile), SQL queries per request, the
buffers PostgreSQL touched for those queries (EXPLAIN (ANALYZE, BUFFERS), summed) and, for the
dashboards, the time of the page's own SQL run bare through a cursor (no ORM, no template).

Used by bench/run.py (`make bench`) and, at a small size, by tests/scale as a regression check.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench import floor
from bench.contact_form import good_news_call
from families.models import ParentCarer, SchoolFamily
from portal import compiled
from portal.middleware import SESSION_KEY
from portal.models import Membership, Role, School
from scale.loadgen import Result, generate

# For reference, not a key page: a signed-in page with no query of its own (the school
# switcher), i.e. what every page costs before it does anything: the session, the user and
# their memberships, the middleware and the site's header and navigation.
SHELL = "site shell (reference)"
# The framework's floor (bench/floor.py): a bare Django page behind the same session and
# authentication middleware, in the same process and run. The shell is read against it, and
# every page against the shell.
FLOOR = "bare Django page (floor)"
OFFICER_HOME = "home, authority officer"
# A pastoral lead's home has the most panels of any role's: the families they are key contact
# for, their follow-ups, meetings they chair and placements to review.
PASTORAL_HOME = "home, pastoral lead"
PAGES = (
    "home",
    PASTORAL_HOME,
    OFFICER_HOME,
    "family list, filtered",
    "family list, deep page",
    "family page",
    "log a contact (POST)",
    "school dashboard",
    "authority dashboard",
    SHELL,
    FLOOR,
)
REFERENCES = (SHELL, FLOOR)
DASHBOARDS = ("school dashboard", "authority dashboard")
# Pages whose reads grow with the authority by design: its figures, and an officer's roles at
# each of its schools (read on every page of theirs, so the officer's home shows what they cost).
AUTHORITY_PAGES = ("authority dashboard", OFFICER_HOME)
LISTS = ("family list, filtered", "family list, deep page")
PER_PAGE = 25
BENCH_SUMMARY = "Rang to share good news about the week"
# The same few queries run on every signed-in request whatever the page: the session (read,
# then saved: SESSION_SAVE_EVERY_REQUEST, an UPDATE in its own transaction, so BEGIN and COMMIT
# around it, or a savepoint inside a request's transaction), the user, their memberships, the
# administrators-group check and the two-factor device. Budgets for lists and dashboards count
# the page's own queries (page_query_count).
OVERHEAD = re.compile(
    r'"django_session"|^(RELEASE )?SAVEPOINT|"auth_group"\."name" = \'Administrators\''
    r'|^SELECT .* FROM "auth_user" WHERE "auth_user"\."id" = \d+ LIMIT \d+$'
    r'|^SELECT .* FROM "portal_membership" INNER JOIN .* WHERE \("portal_membership"\.'
    r'"confirmed_at" IS NOT NULL AND "portal_membership"\."is_active"(?: = 1)? AND .*'
    r'"portal_membership"\."user_id" = \d+\)'
    r'|"otp_totp_totpdevice"|"otp_static_staticdevice"',
    re.S,
)
# A kept read prepared on PostgreSQL is sent as `EXECUTE compiled_...(values)`: the queries
# captured here show the SQL it stands for, to be told apart and explained like any other.
compiled.show_statements_as_sql()
CURSOR_PREFIX = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(OUT)? HOLD FOR ', re.S)


def page_query_count(sql_list: list[str]) -> int:
    """The page's own queries: all but the per-request ones (OVERHEAD), counting the BEGIN and
    COMMIT that wrap nothing but the session's UPDATE as the session's too."""
    overhead = [bool(OVERHEAD.search(sql)) for sql in sql_list]
    for i in range(1, len(sql_list) - 1):
        if (
            sql_list[i - 1] == "BEGIN"
            and sql_list[i].startswith('UPDATE "django_session"')
            and sql_list[i + 1] == "COMMIT"
        ):
            overhead[i - 1] = overhead[i + 1] = True
    return overhead.count(False)


def _select(sql: str) -> str | None:
    """The SELECT in a captured query (server-side cursors wrap it), or None for a write."""
    sql = CURSOR_PREFIX.sub("", sql.lstrip())
    return sql if sql.upper().startswith(("SELECT", "WITH")) else None


@dataclass
class Size:
    """One of the two data sizes: an authority, the school whose pages are measured, and
    a member of staff of each role there."""

    label: str
    authority_id: int
    school: School
    users: dict[str, object]
    family_id: int
    parent_id: int
    families_here: int
    clients: dict[str, Client] = field(default_factory=dict)


@dataclass
class Sample:
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the app process's own CPU time
    queries: int | None = None
    page_queries: int | None = None
    heaviest: list = field(default_factory=list)  # (buffers, ms, SQL) of the costliest queries
    buffers: int | None = None
    bare_ms: float | None = None
    status: int | None = None
    sql: list[str] = field(default_factory=list)


def build_sizes(
    *, pupils: int, years: int, seed: int, scale: int = 10, progress=None, reuse: bool = False
) -> dict:
    """Generate two authorities in this database: one school (1×), and `scale` schools of the
    same size (10×). Pages of a school are measured on the first school of each. With `reuse`,
    an authority a previous run left in this database is measured again, not generated."""
    from portal.models import Authority

    say = progress or (lambda message: None)
    made = {}
    for label, schools in (("1x", 1), (f"{scale}x", scale)):
        name = f"Bench {label} (seed {seed})"
        kept = Authority.objects.filter(name=name).first() if reuse else None
        if kept is not None:
            _forget_bench_contacts(kept)
            result = Result(
                authority_id=kept.pk,
                school_ids=list(kept.schools.order_by("pk").values_list("pk", flat=True)),
            )
            made[label] = (result, 0.0)
            say(f"reusing {label}: {len(result.school_ids)} school(s) already in the database")
            continue
        began = time.perf_counter()
        result = generate(
            schools=schools,
            pupils_per_school=pupils,
            years=years,
            seed=seed,
            authority=name,
        )
        made[label] = (result, round(time.perf_counter() - began, 1))
        say(f"generated {label}: {schools} school(s) in {made[label][1]} s: {result.counts}")
    return made


def _forget_bench_contacts(authority) -> None:
    """Delete the contacts earlier runs logged ("log a contact (POST)"), so a run on kept data
    starts from the generated data like a fresh one: the family page reads every contact of
    its family for the balance, so leftovers would change what it measures."""
    from families.models import Contact
    from families.services import summaries_refresh

    schools = list(authority.schools.all())
    left = Contact.all_objects.filter(school__in=schools, summary__startswith=BENCH_SUMMARY)
    if left.exists():
        left.delete()
        for school in schools[:1]:  # only the first school's pages are measured and posted to
            summaries_refresh(school=school)


def size_for(label: str, authority_id: int) -> Size:
    school = School.objects.filter(authority_id=authority_id).order_by("pk").first()
    members = Membership.objects.filter(school=school).select_related("user").order_by("pk")
    users = {}
    for m in members:
        users.setdefault(m.role, m.user)
    link = SchoolFamily.objects.filter(school=school).order_by("pk").first()
    parent = ParentCarer.objects.filter(family_id=link.family_id).order_by("pk").first()
    return Size(
        label=label,
        authority_id=authority_id,
        school=school,
        users={
            "teacher": users[Role.STAFF],
            "pastoral": users[Role.PASTORAL],
            "headteacher": users[Role.HEADTEACHER],
            "officer": users[Role.AUTHORITY],
        },
        family_id=link.family_id,
        parent_id=parent.pk,
        families_here=SchoolFamily.objects.filter(school=school).count(),
    )


def _signed_in(user, school) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = school.pk  # the officer works at every school of the authority
    session.save()
    try:  # sign-in with a code, where the portal asks for one (django-otp)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="Bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    except ImportError:
        pass
    return client


def _url(name: str, *args, query: str = "") -> str | None:
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def requests_for(size: Size) -> dict[str, tuple | None]:
    """page -> (user role, method, url, data), or None where the page does not exist yet."""
    last_page = max(1, -(-size.families_here // PER_PAGE))
    list_url = _url("families:family-list")
    table = {
        "home": ("teacher", "get", _url("home"), None),
        PASTORAL_HOME: ("pastoral", "get", _url("home"), None),
        # An officer holds a role at each of the authority's schools: 150 memberships.
        OFFICER_HOME: ("officer", "get", _url("home"), None),
        "family list, filtered": (
            "pastoral",
            "get",
            _url("families:family-list", query="last_tone=concern&sort=quiet"),
            None,
        ),
        "family list, deep page": (
            "pastoral",
            "get",
            list_url and f"{list_url}?sort=name&page={last_page}",
            None,
        ),
        "family page": ("pastoral", "get", _url("families:family-detail", size.family_id), None),
        "log a contact (POST)": (
            "pastoral",
            "post",
            _url("families:contact-add", size.family_id),
            "contact",
        ),
        "school dashboard": ("headteacher", "get", _url("dashboards:dashboard"), None),
        "authority dashboard": ("officer", "get", _url("dashboards:authority"), None),
        SHELL: ("headteacher", "get", _url("school-switch"), None),
        FLOOR: ("headteacher", "floor", floor.URL, None),
    }
    return {page: (row if row[2] else None) for page, row in table.items()}


def _contact_data(size: Size, n: int) -> dict:
    return good_news_call(
        parents=[size.parent_id],
        staff=size.users["pastoral"].pk,
        summary=f"{BENCH_SUMMARY} (bench {n}).",
    )


def _request(size: Size, spec: tuple, n: int):
    role, method, url, data = spec
    client = size.clients.get(role)
    if client is None:
        client = size.clients[role] = _signed_in(size.users[role], size.school)
    if method == "floor":
        key = f"{role} (floor)"
        if key not in size.clients:
            size.clients[key] = floor.floor_client(client)
        return size.clients[key].get(url, secure=True)
    if method == "post":
        return client.post(url, _contact_data(size, n), secure=True)
    return client.get(url, secure=True)


def _explain_buffers(sql_list: list[str]) -> tuple[int | None, list]:
    """Shared buffers touched (hit + read) by the page's SELECTs, from EXPLAIN (ANALYZE,
    BUFFERS). Writes are not explained: EXPLAIN ANALYZE would run them again."""
    if connection.vendor != "postgresql":
        return None, []
    total, each = 0, []
    with connection.cursor() as cursor:
        for sql in filter(None, map(_select, sql_list)):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            top = plan[0]["Plan"]
            # A node's buffer counts include its children, subplans and init plans.
            buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            total += buffers
            each.append((buffers, round(plan[0].get("Execution Time", 0), 1), sql[:300]))
    return total, sorted(each, reverse=True)[:3]


def _bare_ms(sql_list: list[str]) -> float:
    """The page's SELECTs run through a cursor and fetched, without ORM or template."""
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in filter(None, map(_select, sql_list)):
            if not OVERHEAD.search(sql):
                cursor.execute(sql)
                cursor.fetchall()
    return (time.perf_counter() - began) * 1000


def measure(
    sizes: list[Size], *, reps: int = 15, warmup: int = 2, progress=None, only=PAGES
) -> dict:
    """Request every page at every size, interleaved (page by page, size by size, round after
    round), the two reference rows side by side at the end of each round, and return
    {page: {size label: Sample}}; a page without a view is left out."""
    say = progress or (lambda message: None)
    specs = {s.label: requests_for(s) for s in sizes}
    samples: dict[str, dict[str, Sample]] = {
        page: {s.label: Sample() for s in sizes}
        for page in only
        if all(specs[s.label][page] for s in sizes)
    }
    # Two rounds at least before the one whose queries are captured: a first request reads what
    # later ones find kept (the content types; a kept read's first build runs its own reads),
    # and a read whose store of shapes was full lets them all go and builds them again once.
    warmup = max(warmup, 3)

    def one(page: str, size: Size, round_: int, *, timed: bool) -> None:
        sample = samples[page][size.label]
        spec = specs[size.label][page]
        if round_ == warmup - 1:
            # The queries are captured in the last warm-up round, which is not timed: capturing
            # logs every query with its SQL written out, which a live server does not do, and
            # which would cost a page of many queries the most.
            with CaptureQueriesContext(connection) as captured:
                response = _request(size, spec, round_)
            sample.status = response.status_code
            sample.queries = len(captured.captured_queries)
            sample.sql = [q["sql"] for q in captured.captured_queries]
            sample.page_queries = page_query_count(sample.sql)
            return
        began, cpu = time.perf_counter(), time.process_time()
        response = _request(size, spec, round_)
        elapsed = (time.perf_counter() - began) * 1000
        cpu = (time.process_time() - cpu) * 1000
        if timed and round_ >= warmup:
            sample.times.append(elapsed)
            sample.cpu.append(cpu)
            if response.status_code != sample.status:
                raise RuntimeError(
                    f"{page} ({size.label}) answered {response.status_code}, "
                    f"not {sample.status} as in the warm-up"
                )

    references = [page for page in REFERENCES if page in samples]
    for round_ in range(warmup + reps):
        for page in samples:
            if page not in references:
                for size in sizes:
                    one(page, size, round_, timed=True)
        # The two reference rows are read against each other, so they are measured side by
        # side, each size after an untimed pair: the request that follows a heavy page (the
        # authority dashboard) carries its aftermath, twice the shell's own time here, and
        # would otherwise fall on whichever reference row came first.
        for size in sizes:
            for page in references:
                one(page, size, round_, timed=False)
            for page in references:
                one(page, size, round_, timed=True)
        say(f"round {round_ + 1} of {warmup + reps}")
    for page, by_size in samples.items():
        for sample in by_size.values():
            sample.buffers, sample.heaviest = _explain_buffers(sample.sql)
            if page in DASHBOARDS:
                bare = [_bare_ms(sample.sql) for _ in range(max(3, reps // 2))]
                sample.bare_ms = statistics.median(bare)
    return samples


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summarise(samples: dict, sizes: list[Size]) -> dict:
    """Figures per page and size, with the 10×/1× ratios and which targets are met."""
    small, big = sizes[0].label, sizes[-1].label
    out = {}
    for page in PAGES:
        if page not in samples:
            out[page] = {"skipped": "no view with that URL name yet"}
            continue
        rows = {}
        for label, s in samples[page].items():
            rows[label] = {
                "status": s.status,
                "median_ms": round(statistics.median(s.times), 1) if s.times else None,
                "p95_ms": round(p95(s.times), 1) if s.times else None,
                "app_cpu_ms": round(statistics.median(s.cpu), 1) if s.cpu else None,
                "queries": s.queries,
                "page_queries": s.page_queries,
                "buffers": s.buffers,
                "bare_sql_ms": None if s.bare_ms is None else round(s.bare_ms, 1),
                "heaviest_queries": s.heaviest,
            }
        a, b = rows[small], rows[big]
        ratios = {
            "queries_equal": a["queries"] == b["queries"],
            "buffers": _ratio(b["buffers"], a["buffers"]),
            "time": _ratio(b["median_ms"], a["median_ms"]),
        }
        budget = 6 if page in LISTS else 10 if page in DASHBOARDS else 24
        targets = {
            "queries 10x = 1x": ratios["queries_equal"],
            f"page queries <= {budget}": max(a["page_queries"], b["page_queries"]) <= budget,
            "all queries < 25": max(a["queries"], b["queries"]) < 25,
        }
        if page not in AUTHORITY_PAGES:  # the authority's own figures grow with it
            targets["buffers 10x/1x <= 1.25"] = ratios["buffers"] is not None and (
                ratios["buffers"] <= 1.25
            )
            targets["time 10x/1x <= 1.3"] = ratios["time"] is not None and ratios["time"] <= 1.3
        if page == "school dashboard":
            ratios["time / bare SQL"] = _ratio(b["median_ms"], b["bare_sql_ms"])
        out[page] = {"sizes": rows, "ratios": ratios, "targets": targets}
    _against_references(out, big)
    return out


# The targets read against the reference rows, at the larger size: the shell against the
# floor; a dashboard against the shell plus its own SQL run bare (what no code of ours could
# make cheaper); every other page against the shell.
SHELL_OVER_FLOOR = 2.0
PAGE_OVER_SHELL = 4.0
DASHBOARD_OVER_SHELL_AND_SQL = 3.0


def _against_references(out: dict, big: str) -> None:
    if "sizes" not in out.get(SHELL, {}) or "sizes" not in out.get(FLOOR, {}):
        return
    shell_ms = out[SHELL]["sizes"][big]["median_ms"]
    floor_ms = out[FLOOR]["sizes"][big]["median_ms"]
    ratio = _ratio(shell_ms, floor_ms)
    out[SHELL]["ratios"]["shell / floor"] = ratio
    out[SHELL]["targets"][f"shell / floor <= {SHELL_OVER_FLOOR:g}"] = (
        ratio is not None and ratio <= SHELL_OVER_FLOOR
    )
    for page, row in out.items():
        if page in REFERENCES or "sizes" not in row:
            continue
        mine = row["sizes"][big]
        if page in DASHBOARDS:
            bare = mine["bare_sql_ms"]
            ratio = _ratio(mine["median_ms"], None if bare is None else shell_ms + bare)
            row["ratios"]["time / (shell + bare SQL)"] = ratio
            limit, name = DASHBOARD_OVER_SHELL_AND_SQL, "time / (shell + bare SQL)"
        else:
            ratio = _ratio(mine["median_ms"], shell_ms)
            row["ratios"]["time / shell"] = ratio
            limit, name = PAGE_OVER_SHELL, "time / shell"
        row["targets"][f"{name} <= {limit:g}"] = ratio is not None and ratio <= limit


def _ratio(top, bottom) -> float | None:
    if top is None or not bottom:
        return None
    return round(top / bottom, 2)


def table(summary: dict, labels: list[str]) -> str:
    """A Markdown table of the summary, one row per page and size."""
    lines = [
        "| page | size | status | median ms | p95 ms | app CPU ms | queries (page) | buffers "
        "| bare SQL ms |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, row in summary.items():
        if "skipped" in row:
            lines.append(f"| {page} | – | skipped: {row['skipped']} | | | | | | |")
            continue
        for label in labels:
            s = row["sizes"][label]
            queries = f"{s['queries']} ({s['page_queries']})"
            cells = [
                s["median_ms"],
                s["p95_ms"],
                s["app_cpu_ms"],
                queries,
                s["buffers"],
                s["bare_sql_ms"],
            ]
            text = " | ".join("–" if c is None else str(c) for c in cells)
            lines.append(f"| {page} | {label} | {s['status']} | {text} |")
    big, small = labels[-1], labels[0]
    lines += [
        "",
        f"| page | queries {big} = {small} | buffers {big}/{small} | time {big}/{small} "
        "| targets missed |",
    ]
    lines.append("| --- | --- | ---: | ---: | --- |")
    for page, row in summary.items():
        if "skipped" in row:
            continue
        r = row["ratios"]
        missed = ", ".join(t for t, ok in row["targets"].items() if not ok) or "none"
        lines.append(
            f"| {page} | {'yes' if r['queries_equal'] else 'no'} | {r['buffers']} | "
            f"{r['time']} | {missed} |"
        )
    lines += ["", f"Against the reference rows at {big}:", ""]
    lines += ["| page | measured against | ratio | target |", "| --- | --- | ---: | ---: |"]
    for page, row in summary.items():
        for name, limit in (
            ("shell / floor", SHELL_OVER_FLOOR),
            ("time / shell", PAGE_OVER_SHELL),
            ("time / (shell + bare SQL)", DASHBOARD_OVER_SHELL_AND_SQL),
        ):
            ratio = row.get("ratios", {}).get(name)
            if ratio is not None:
                against = name.split(" / ", 1)[1].strip("()")
                lines.append(f"| {page} | {against} | {ratio} | <= {limit:g} |")
    return "\n".join(lines)
