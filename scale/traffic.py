"""The people using the cluster while the drills run (scale/drills.py): members of staff
working at the load test's mix, and probes that ask one thing over and over so a drill can say
to the tenth of a second when something stopped working and when it came back.

Built from bench/load.py's pieces (the Browser, the real sign-in with two-factor, the pages a
member of staff opens, the contact form), so what is measured is what `make bench` measures.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass

from bench import load

CONTACT_PREFIX = "Cluster contact "


@dataclass
class Entry:
    kind: str
    began: float  # time.monotonic()
    ended: float
    status: object  # the HTTP status, or the exception's name
    ok: bool
    outcome: str = ""  # for writes: "acked", "kept" (the busy page with the text) or "other"

    @property
    def ms(self) -> float:
        return (self.ended - self.began) * 1000


class Record:
    """Every request made, by anyone, in order (thread-safe); and every acknowledged write."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries: list[Entry] = []
        self.acked: list[str] = []

    def add(self, entry: Entry, acked: str = "") -> None:
        with self.lock:
            self.entries.append(entry)
            if acked:
                self.acked.append(acked)

    def between(self, start: float, end: float, kinds=None) -> list[Entry]:
        with self.lock:
            return [
                e
                for e in self.entries
                if start <= e.began < end and (kinds is None or e.kind in kinds)
            ]


def p95(entries: list[Entry]) -> float | None:
    return load.p95(sorted(e.ms for e in entries))


def outage(entries: list[Entry]) -> float:
    """Seconds from the first failed request's start to the start of the first request that
    worked after the last failure (0 if none failed)."""
    entries = sorted(entries, key=lambda e: e.began)
    failed = [e for e in entries if not e.ok]
    if not failed:
        return 0.0
    last = failed[-1]
    after = [e for e in entries if e.ok and e.began >= last.began]
    end = after[0].began if after else last.ended
    return round(end - failed[0].began, 2)


def reasons(entries: list[Entry]) -> dict[str, int]:
    return dict(Counter(f"{e.kind}: {e.status}" for e in entries if not e.ok))


def signed_in(port: int, plan: dict, password: str, tries: int = 5) -> load.Browser:
    for _ in range(tries):
        browser = load.Browser(port)
        try:
            if load.sign_in(browser, plan, password) == 302:
                return browser
        except (http.client.HTTPException, OSError):
            pass
        time.sleep(1)
    raise RuntimeError(f"{plan['user'].username} could not sign in")


def _reconnected(browser: load.Browser) -> load.Browser:
    fresh = load.Browser(browser.conn.port)
    fresh.cookies = browser.cookies
    return fresh


def write(browser: load.Browser, plan: dict, record: Record, summary: str, kind="log a contact"):
    """Post one contact; its outcome: acked (the redirect), kept (503 with the typed text
    shown back: the busy page or the form again), or other (a 500, a 502, a timeout...)."""
    began = time.monotonic()
    target = random.choice(plan["families"])
    try:
        from django.urls import reverse

        status, _, text = browser.request(
            "POST",
            reverse("families:contact-add", args=[target[0]]),
            load_form(plan, target[1], summary),
        )
    except (http.client.HTTPException, OSError) as exc:
        browser = _reconnected(browser)
        status, text = type(exc).__name__, ""
    outcome = "acked" if status == 302 else "kept" if status == 503 and summary in text else "other"
    ok = outcome == "acked"
    record.add(Entry(kind, began, time.monotonic(), status, ok, outcome), summary if ok else "")
    return browser


def load_form(plan: dict, parent: int, summary: str) -> dict:
    return load.contact_form(plan, parent, summary)


def read(browser: load.Browser, record: Record, kind: str, path: str):
    began = time.monotonic()
    try:
        status, _, _ = browser.request("GET", path)
    except (http.client.HTTPException, OSError) as exc:
        browser, status = _reconnected(browser), type(exc).__name__
    record.add(Entry(kind, began, time.monotonic(), status, status == 200))
    return browser


class Staff(threading.Thread):
    """One member of staff: pauses `pause` seconds, then opens a page (80%) or logs a contact
    (20%), until stopped."""

    def __init__(self, n, browser, plan, record, stop: threading.Event, pause=(1.0, 3.0)):
        super().__init__(daemon=True)
        self.n, self.browser, self.plan, self.record = n, browser, plan, record
        self.stop_event, self.pause = stop, pause

    def run(self):
        rng = random.Random(self.n)
        reads = load.reads_for(self.plan)
        written = 0
        while not self.stop_event.wait(rng.uniform(*self.pause)):
            if rng.random() < 0.2 and self.plan["families"]:
                written += 1
                summary = f"{CONTACT_PREFIX}{self.n}-{written}"
                self.browser = write(self.browser, self.plan, self.record, summary)
            else:
                kind, path = rng.choice(reads)
                self.browser = read(self.browser, self.record, kind, path)


class Probe:
    """Asks one thing every `every` seconds while in a `with` block: a page (GET path) or,
    with path=None, a new contact (write). The same member of staff, signed in once, in each
    block."""

    def __init__(self, kind, browser, plan, record, path=None, every=0.2):
        self.kind, self.browser, self.plan, self.record = kind, browser, plan, record
        self.path, self.every = path, every
        self.stop_event = threading.Event()
        self.count = 0
        self.thread: threading.Thread | None = None

    def run(self):
        while not self.stop_event.wait(self.every):
            self.count += 1
            if self.path is None:
                summary = f"{CONTACT_PREFIX}{self.kind} {self.plan['user'].pk}-{self.count}"
                self.browser = write(self.browser, self.plan, self.record, summary, self.kind)
            else:
                self.browser = read(self.browser, self.record, self.kind, self.path)

    def __enter__(self):
        self.stop_event.clear()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout=90)
