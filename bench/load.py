"""A bounded load test: concurrent staff against gunicorn on loopback, 80% reads, 20% writes.

    scripts/with-postgres.sh .venv/bin/python bench/load.py [--users 50] [--seconds 120]

Generates an authority (10 schools by default), starts gunicorn, signs each virtual member of
staff in through the real login form (headteachers also enter a two-factor code), then each
one repeatedly opens a page or logs a contact. Before each action they pause as people do:
2–8 s to read a page before the next click, 20–40 s to write a contact's note before saving
it (--read-pause, --write-pause). --stress pauses 0.5–2 s before every action instead: about
eight times the requests of the same staff, to find where the machine saturates.
At the end it checks that every contact whose POST was acknowledged is in the database exactly
once. Prints latencies per action and writes bench/load.json.

bench/capacity.py drives the same pieces (the server, signing in, the actions, the check) to
compare two versions of the code against the same data.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "SECRET_KEY": "load-test-only-secret-key",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
}
for key, value in ENV.items():
    os.environ.setdefault(key, value)
# Why requests failed, e.g. {"family list: 500": 1} or {"home: timeout": 2}, for the report.
FAILURES: Counter[str] = Counter()
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One member of staff's connection, with their cookies (sent over plain HTTP here)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed a kept-alive connection the client was about to reuse. Browsers
            # quietly resend a GET on a new connection; a POST is never resent (it is counted
            # as failed, as the user would see an error).
            self.conn.close()
            if method != "GET":
                raise
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            raise
        text = response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text

    def post_form(self, path: str, form: dict):
        status, _, text = self.request("GET", path)
        token = CSRF_INPUT.search(text)
        form = {**form, "csrfmiddlewaretoken": token.group(1) if token else ""}
        return self.request("POST", path, form)


def _plan(args):
    """Generate the data; return each virtual user's account and what they work on."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from families.models import Child, ParentCarer, SchoolFamily
    from portal.models import Membership, Role
    from scale.loadgen import PASSWORD, generate

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    result = generate(
        schools=args.schools, pupils_per_school=args.pupils, years=args.years, seed=args.seed
    )
    heads = list(
        Membership.objects.filter(school_id__in=result.school_ids, role=Role.HEADTEACHER)
        .select_related("user")
        .order_by("pk")
    )
    teachers = list(
        Membership.objects.filter(school_id__in=result.school_ids, role=Role.STAFF)
        .select_related("user")
        .order_by("pk")
    )
    n_heads = min(len(heads), max(1, args.users // 10))
    plans = []
    for m in heads[:n_heads]:
        device = TOTPDevice.objects.create(user=m.user, name="Load test", confirmed=True)
        plans.append({"user": m.user, "school": m.school_id, "head": True, "device": device})
    for m in teachers[: args.users - n_heads]:
        plans.append({"user": m.user, "school": m.school_id, "head": False})
    for plan in plans:
        taught = Child.objects.filter(
            family=OuterRef("family"), school_id=plan["school"], class_group__staff=plan["user"]
        )
        links = SchoolFamily.objects.filter(school_id=plan["school"])
        if not plan["head"]:
            links = links.filter(Exists(taught))
        plan["families"] = [
            (link.family_id, ParentCarer.objects.filter(family_id=link.family_id).first().pk)
            for link in links.order_by("pk")[:20]
        ]
    return plans, PASSWORD


def start_server(port: int, *, code_dir: Path = ROOT, workers: int = 3, threads: int = 4):
    """Start gunicorn on loopback serving the code in code_dir (its settings, its templates)."""
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi",
            "--chdir",
            str(code_dir),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            # Keep idle connections longer than a user's longest pause (40 s), as the load
            # balancer in front would (nginx keeps them 75 s): gunicorn's default of 2 s closes
            # a connection just as a client reuses it.
            "--keep-alive",
            "75",
            # No control socket: two servers (or another bench's) would share its one path.
            "--no-control-socket",
        ],
        cwd=code_dir,
        env={**os.environ, "PYTHONPATH": str(code_dir)},
    )


def wait_for_server(port: int, server=None, seconds: float = 30) -> None:
    """Wait until the login page answers; fail at once if the server has stopped."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            Browser(port).request("GET", "/accounts/login/")
            return
        except OSError:
            if (server is not None and server.poll() is not None) or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn on port {port} did not start") from None
            time.sleep(0.5)


def stop_server(server) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def sign_in(browser: Browser, plan: dict, password: str):
    """Sign in through the login form (a headteacher also enters a code); 302 when signed in.

    A code works once per 30-second step, so signing the same head in again (on another
    server) uses the next step, which django-otp accepts as one step of clock drift.
    """
    from django.urls import reverse
    from django_otp.oath import totp

    status, _, _ = browser.post_form(
        reverse("login"), {"username": plan["user"].username, "password": password}
    )
    if plan["head"] and status == 302:
        device = plan["device"]
        now = int(time.time() - device.t0) // device.step
        step = max(now, plan.get("last_step", -1) + 1)
        plan["last_step"] = step
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, step - now):06d}"
        status, _, _ = browser.post_form(reverse("otp-verify"), {"code": code})
    return status


def reads_for(plan: dict) -> list[tuple[str, str]]:
    """The pages this member of staff opens: a head's dashboard, a teacher's families."""
    from django.urls import reverse

    reads = [("home", reverse("home"))]
    if plan["head"]:
        reads += [("school dashboard", reverse("dashboards:dashboard"))] * 3
    else:
        reads += [("family list", reverse("families:family-list") + "?sort=quiet")]
        reads += [
            ("family page", reverse("families:family-detail", args=[f]))
            for f, _ in plan["families"][:5]
        ]
    return reads


def act(browser: Browser, plan: dict, kind: str, target, summary: str = ""):
    """One action: GET the page at target, or (for "log a contact") POST a contact titled
    summary to target, a (family, parent) pair. Returns (ok, status)."""
    from django.urls import reverse

    if kind != "log a contact":
        status, _, _ = browser.request("GET", target)
        return status == 200, status
    family, parent = target
    status, _, _ = browser.request(
        "POST", reverse("families:contact-add", args=[family]), contact_form(plan, parent, summary)
    )
    return status == 302, status


def contact_form(plan: dict, parent: int, summary: str) -> dict:
    """A good-news phone call with one parent, as a member of staff logs it."""
    from bench.contact_form import good_news_call

    return good_news_call(parents=[parent], staff=plan["user"].pk, summary=summary)


def work(
    browser: Browser, plan, n, args, log, acked, lock, deadline, failures, label="", late=True
):
    """Pause as people do, then act, until the deadline. Log entries are (kind, ms, ok, when it
    ended on the monotonic clock); label keeps contacts' titles apart between runs. late=False
    stops at a pause that would end after the deadline (load.py's own runs still act then)."""
    rng = random.Random(n)
    reads = reads_for(plan)
    written = 0
    while time.monotonic() < deadline:
        writing = rng.random() < 0.2 and bool(plan["families"])
        pause = rng.uniform(*(args.write_pause if writing else args.read_pause))
        if not late and time.monotonic() + pause >= deadline:
            break
        time.sleep(pause)
        began = time.perf_counter()
        summary = ""
        if writing:
            kind, target = "log a contact", rng.choice(plan["families"])
            written += 1
            summary = f"Load test contact {label}{n}-{written}"
        else:
            kind, target = rng.choice(reads)
        try:
            ok, status = act(browser, plan, kind, target, summary)
            if ok and writing:
                with lock:
                    acked.append(summary)
        except (http.client.HTTPException, OSError) as exc:  # a timeout: reconnect, signed in
            cookies, browser = browser.cookies, Browser(browser.conn.port)
            browser.cookies = cookies
            ok, status = False, type(exc).__name__
        with lock:
            log.append((kind, (time.perf_counter() - began) * 1000, ok, time.monotonic()))
            if not ok:
                failures[f"{kind}: {status}"] += 1
    return browser


def _virtual_user(n, plan, password, args, log, acked, lock):
    # Staff arrive over the first minute or so, not all in the same instant (a password check
    # is slow on purpose, and 50 at once would measure nothing but that).
    time.sleep(n * args.ramp)
    browser = Browser(args.port)
    began = time.perf_counter()
    try:
        status = sign_in(browser, plan, password)
    except (http.client.HTTPException, OSError):
        status = None
    with lock:
        log.append(("sign in", (time.perf_counter() - began) * 1000, status == 302, 0.0))
    if status != 302:
        return
    deadline = time.monotonic() + args.seconds  # the measured time starts once signed in
    work(browser, plan, n, args, log, acked, lock, deadline, FAILURES)


def stored_exactly_once(acked, prefix: str = "Load test contact ") -> tuple[bool, int]:
    """Whether every acknowledged contact is stored once; how many stored were never acked."""
    from django.db.models import Count

    from families.models import Contact

    stored = dict(
        Contact.objects.filter(summary__startswith=prefix)
        .values_list("summary")
        .annotate(n=Count("pk"))
    )
    return all(stored.get(s) == 1 for s in acked), len(set(stored) - set(acked))


def p95(times: list[float]) -> float | None:
    """The 95th percentile of times already sorted (nearest rank), to 0.1 ms."""
    return round(times[round(0.95 * (len(times) - 1))], 1) if times else None


def per_action(log) -> dict:
    """Requests, failures, median and p95 per kind of action in a log of (kind, ms, ok, …)."""
    rows = {}
    for kind in sorted({entry[0] for entry in log if entry[0]}):
        times = sorted(entry[1] for entry in log if entry[0] == kind)
        rows[kind] = {
            "requests": len(times),
            "failures": sum(1 for entry in log if entry[0] == kind and not entry[2]),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": p95(times),
        }
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--pupils", type=int, default=470)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", default=str(ROOT / "bench" / "load.json"))
    parser.add_argument("--read-pause", type=float, nargs=2, default=(2.0, 8.0), metavar="S")
    parser.add_argument("--write-pause", type=float, nargs=2, default=(20.0, 40.0), metavar="S")
    parser.add_argument(
        "--stress", action="store_true", help="pause 0.5-2 s before every action instead"
    )
    parser.add_argument(
        "--ramp", type=float, default=1.0, help="seconds between one user's sign-in and the next"
    )
    args = parser.parse_args(argv)
    if args.stress:
        args.read_pause = args.write_pause = (0.5, 2.0)

    plans, password = _plan(args)
    server = start_server(args.port, workers=args.workers, threads=args.threads)
    try:
        wait_for_server(args.port, server)
        log, acked, lock = [], [], threading.Lock()
        threads = [
            threading.Thread(target=_virtual_user, args=(n, plan, password, args, log, acked, lock))
            for n, plan in enumerate(plans)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop_server(server)

    exactly_once, unacknowledged = stored_exactly_once(acked)
    report = {
        "users": len(plans),
        "seconds": args.seconds,
        "read_pause_s": list(args.read_pause),
        "write_pause_s": list(args.write_pause),
        "load_average": os.getloadavg(),
    }
    rows = per_action(log)
    # The targets are for staff's work once signed in; signing in (a deliberately slow password
    # hash, once a day) is reported on its own line.
    every = sorted(ms for k, ms, *_ in log if k and k != "sign in")
    report.update(
        actions=rows,
        all_requests=len(every),
        requests_per_second=round(len(every) / args.seconds, 1),
        failures=sum(1 for _, _, ok, _ in log if not ok),
        failure_reasons=dict(FAILURES),
        p95_ms=p95(every),
        writes_acknowledged=len(acked),
        writes_stored_exactly_once=exactly_once,
        unacknowledged_but_stored=unacknowledged,
    )
    print(json.dumps(report, indent=2))
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
