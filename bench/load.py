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


def _virtual_user(n, plan, password, args, log, acked, lock):
    from django.urls import reverse
    from django_otp.oath import totp

    rng = random.Random(n)
    # Staff arrive over the first minute or so, not all in the same instant (a password check
    # is slow on purpose, and 50 at once would measure nothing but that).
    time.sleep(n * args.ramp)
    browser = Browser(args.port)
    began = time.perf_counter()
    try:
        status, _, _ = browser.post_form(
            reverse("login"), {"username": plan["user"].username, "password": password}
        )
        if plan["head"]:
            device = plan["device"]
            code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
            status, _, _ = browser.post_form(reverse("otp-verify"), {"code": code})
    except (http.client.HTTPException, OSError):
        status = None
    with lock:
        log.append(("sign in", (time.perf_counter() - began) * 1000, status == 302))
    if status != 302:
        return
    reads = [("home", reverse("home"))]
    if plan["head"]:
        reads += [("school dashboard", reverse("dashboards:dashboard"))] * 3
    else:
        reads += [("family list", reverse("families:family-list") + "?sort=quiet")]
        reads += [
            ("family page", reverse("families:family-detail", args=[f]))
            for f, _ in plan["families"][:5]
        ]
    written = 0
    deadline = time.monotonic() + args.seconds  # the measured time starts once signed in
    while time.monotonic() < deadline:
        writing = rng.random() < 0.2 and bool(plan["families"])
        time.sleep(rng.uniform(*(args.write_pause if writing else args.read_pause)))
        began = time.perf_counter()
        ok, kind = False, None
        try:
            if writing:
                family, parent = rng.choice(plan["families"])
                written += 1
                summary = f"Load test contact {n}-{written}"
                kind = "log a contact"
                status, _, _ = browser.request(
                    "POST",
                    reverse("families:contact-add", args=[family]),
                    {
                        "occurred_at": time.strftime("%Y-%m-%dT%H:%M"),
                        "staff": plan["user"].pk,
                        "parents": [parent],
                        "channel": "phone",
                        "initiated_by": "school",
                        "tone": "positive",
                        "formality": "informal",
                        "level": "general",
                        "purpose": "good_news",
                        "summary": summary,
                        "confidentiality": "school",
                    },
                )
                ok = status == 302
                if ok:
                    with lock:
                        acked.append(summary)
            else:
                kind, url = rng.choice(reads)
                status, _, _ = browser.request("GET", url)
                ok = status == 200
        except (http.client.HTTPException, OSError) as exc:  # a timeout: reconnect, signed in
            cookies, browser = browser.cookies, Browser(args.port)
            browser.cookies = cookies
            ok, status = False, type(exc).__name__
        with lock:
            log.append((kind, (time.perf_counter() - began) * 1000, ok))
            if not ok:
                FAILURES[f"{kind}: {status}"] += 1


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
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            # Keep idle connections longer than a user's longest pause (40 s), as the load
            # balancer in front would (nginx keeps them 75 s): gunicorn's default of 2 s closes
            # a connection just as a client reuses it.
            "--keep-alive",
            "75",
        ],
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        for _ in range(60):
            try:
                Browser(args.port).request("GET", "/accounts/login/")
                break
            except OSError:
                time.sleep(0.5)
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
        server.terminate()
        server.wait(timeout=30)

    from django.db.models import Count

    from families.models import Contact

    stored = dict(
        Contact.objects.filter(summary__startswith="Load test contact ")
        .values_list("summary")
        .annotate(n=Count("pk"))
    )
    exactly_once = all(stored.get(s) == 1 for s in acked)
    report = {
        "users": len(plans),
        "seconds": args.seconds,
        "read_pause_s": list(args.read_pause),
        "write_pause_s": list(args.write_pause),
        "load_average": os.getloadavg(),
    }
    kinds = sorted({k for k, _, _ in log if k})
    rows = {}
    for kind in kinds:
        times = sorted(ms for k, ms, _ in log if k == kind)
        rows[kind] = {
            "requests": len(times),
            "failures": sum(1 for k, _, ok in log if k == kind and not ok),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        }
    # The targets are for staff's work once signed in; signing in (a deliberately slow password
    # hash, once a day) is reported on its own line.
    every = sorted(ms for k, ms, _ in log if k and k != "sign in")
    report.update(
        actions=rows,
        all_requests=len(every),
        requests_per_second=round(len(every) / args.seconds, 1),
        failures=sum(1 for _, _, ok in log if not ok),
        failure_reasons=dict(FAILURES),
        p95_ms=round(every[round(0.95 * (len(every) - 1))], 1) if every else None,
        writes_acknowledged=len(acked),
        writes_stored_exactly_once=exactly_once,
        unacknowledged_but_stored=len(set(stored) - set(acked)),
    )
    print(json.dumps(report, indent=2))
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
