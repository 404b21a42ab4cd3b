"""`make cluster-check`: the cluster of scale/cluster.py under load, and the drills, each with
its figure. Prints a table, writes bench/results-cluster.json, and stops everything it
started, also on failure or Ctrl-C. Exits 1 if a drill fails its promise.

    .venv/bin/python scale/drills.py [--short]

Staff work through the load balancer the whole time (bench/load.py's sign-in, pages and
contact form); probes ask one page, or post one contact, every few tenths of a second so each
drill's figure is exact. The drills, in order: an app server killed (SIGKILL); a task worker
killed mid-batch; the replica stopped; the replica lagging; PgBouncer restarted; the primary
restarted. Last, every acknowledged contact must be stored exactly once. docs/cluster.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scale.cluster import Cluster, load_data, stop_on_signals  # noqa: E402

OUT = ROOT / "bench" / "results-cluster.json"
MAX_LAG = 5  # REPLICA_MAX_LAG_SECONDS in the drill (production: 30)
CHECK_EVERY = 1  # REPLICA_CHECK_SECONDS in the drill (production: 5)
# After the replica passes the limit: no process trusts an answer older than two checks, and a
# dashboard already in flight ends.
SETTLE_AFTER_THE_LIMIT = CHECK_EVERY * 2 + 1
CLAIM_SECONDS = 3  # MESSAGES_CLAIM_SECONDS in the drill (production: 300)


class Drills:
    def __init__(self, cluster: Cluster, args, sink):
        from scale import traffic

        self.t, self.cluster, self.args, self.sink = traffic, cluster, args, sink
        self.record = traffic.Record()
        self.results: dict[str, dict] = {}
        self.window = 3 if args.short else 15
        self.lap = time.monotonic()
        self.stop_staff = threading.Event()
        self.staff: list = []

    def people(self, plans, password):
        """Sign the probes and the staff in through the balancer, and set the staff working."""
        t, port = self.t, self.cluster.ports["balancer"]
        head = next(p for p in plans if p["head"])
        teachers = [p for p in plans if not p["head"] and p["families"]]
        from django.urls import reverse

        self.dashboard = t.Probe(
            "dashboard", t.signed_in(port, head, password), head, self.record,
            reverse("dashboards:dashboard"), every=0.25,
        )  # fmt: skip
        self.family_list = t.Probe(
            "family list", t.signed_in(port, teachers[0], password), teachers[0], self.record,
            reverse("families:family-list") + "?sort=quiet", every=0.2,
        )  # fmt: skip
        self.writes = t.Probe(
            "write probe", t.signed_in(port, teachers[1], password), teachers[1], self.record,
            every=0.25,
        )  # fmt: skip
        staff = [p for p in plans if p is not head and p not in teachers[:2]][: self.args.staff]
        with ThreadPoolExecutor(4) as pool:  # a password check is slow on purpose
            browsers = list(pool.map(lambda plan: t.signed_in(port, plan, password), staff))
        self.staff = [
            t.Staff(n, browser, plan, self.record, self.stop_staff, pause=self.args.pause)
            for n, (browser, plan) in enumerate(zip(browsers, staff, strict=True))
        ]
        for person in self.staff:
            person.start()

    def note(self, name: str, figures: dict, passed: bool) -> None:
        figures["passed"] = bool(passed)
        figures["drill_seconds"] = round(time.monotonic() - self.lap)
        self.lap = time.monotonic()
        self.results[name] = figures
        print(f"  {name}: {'ok' if passed else 'FAILED'}  {json.dumps(figures, default=str)}")

    # The drills ---------------------------------------------------------------------------

    def load_test(self) -> None:
        began = time.monotonic()
        time.sleep(self.args.seconds)
        entries = self.record.between(began, time.monotonic())
        every = [e for e in entries if e.kind != "sign in"]
        figures = {
            "seconds": self.args.seconds,
            "staff": len(self.staff),
            "requests": len(every),
            "per_second": round(len(every) / self.args.seconds, 1),
            "p95_ms": self.t.p95(every),
            "dashboard_p95_ms": self.t.p95([e for e in every if e.kind == "school dashboard"]),
            "failures": sum(not e.ok for e in every),
            "writes_acknowledged": sum(e.outcome == "acked" for e in every),
        }
        self.note("load test through the balancer", figures, figures["failures"] == 0)

    def app_server_killed(self) -> None:
        cluster = self.cluster
        with self.family_list:
            time.sleep(1)
            began = time.monotonic()
            cluster.kill("app1", signal.SIGKILL)
            while cluster.balancer_status().get("app1", "").startswith("UP"):
                if time.monotonic() - began > 30:
                    break
                time.sleep(0.05)
            out = time.monotonic()
            time.sleep(3)
        ended = time.monotonic()
        during = self.record.between(began - 1, out)
        after = self.record.between(out, ended)
        figures = {
            "seconds_until_taken_out": round(out - began, 2),
            "requests_until_then": len(during),
            "failed_until_then": sum(not e.ok for e in during),
            "failed_after": sum(not e.ok for e in after),
            "failures": self.t.reasons(during + after),
        }
        cluster.app_start("app1")
        cluster.wait_until_up()
        passed = figures["seconds_until_taken_out"] <= 5 and figures["failed_after"] == 0
        self.note("app server killed (SIGKILL) mid-load", figures, passed)

    def worker_killed(self) -> None:
        from django.db.models import Count

        from bench import messages as bench_messages
        from reaching_out.models import Message
        from reaching_out.tasks import messages_send_due

        total = 120 if self.args.short else 400
        school, lead = bench_messages.build(emails=total, families=0)
        queued = bench_messages.queue_all(school, lead)
        began = time.monotonic()
        for _ in range(2):  # one run for each worker: they share the batch
            messages_send_due.enqueue()
        self._until(lambda: self.sink.count() >= total // 4, 120, "a quarter of the e-mails")
        self.cluster.kill("worker1", signal.SIGKILL)
        killed_at = self.sink.count()
        ours = Message.objects.filter(school=school)
        open_states = [Message.State.QUEUED, Message.State.HELD]
        self._until(lambda: not ours.filter(state__in=open_states).exists(), 120, "the rest")
        time.sleep(CLAIM_SECONDS + 0.5)  # the killed worker's claim runs out
        messages_send_due.enqueue()  # ... and the next run takes it back
        self.cluster.worker_start("worker1")
        sending = [Message.State.SENDING, *open_states]
        self._until(lambda: not ours.filter(state__in=sending).exists(), 60, "the stalled one")
        seconds = time.monotonic() - began
        arrived = dict(self.sink.arrived)
        refs = dict(ours.values_list("reference", "state"))
        by_ref: dict[str, int] = {}
        for key, n in arrived.items():  # Message-ID: <reference@host>
            by_ref[key.split("@", 1)[0]] = by_ref.get(key.split("@", 1)[0], 0) + n
        times = {str(r): by_ref.get(str(r), 0) for r in refs}
        sent = [r for r, s in refs.items() if s == Message.State.SENT]
        unsure = [r for r, s in refs.items() if s == Message.State.UNSURE]
        figures = {
            "messages": queued,
            "arrived_when_killed": killed_at,
            "seconds": round(seconds, 1),
            "arrived_exactly_once": sum(n == 1 for n in times.values()),
            "never_arrived": sum(n == 0 for n in times.values()),
            "sent_and_arrived_once": sum(times[str(r)] == 1 for r in sent),
            "arrived_twice": sum(n > 1 for n in arrived.values()),
            "sent_but_not_arrived": sum(times[str(r)] == 0 for r in sent),
            "shown_as_may_have_gone": len(unsure),
            "of_which_arrived": sum(times[str(r)] for r in unsure),
            "in_another_state": len(refs) - len(sent) - len(unsure),
            "contacts_logged": ours.filter(contact__isnull=False).count(),
            "states": dict(ours.values_list("state").annotate(n=Count("pk"))),
        }
        passed = (
            figures["arrived_twice"] == 0
            and figures["sent_but_not_arrived"] == 0
            and figures["in_another_state"] == 0
            and figures["shown_as_may_have_gone"] <= 1
            and figures["contacts_logged"] == len(sent)
        )
        self.note("task worker killed (SIGKILL) mid-batch", figures, passed)

    def replica_stopped(self) -> None:
        with self.dashboard, self.family_list:
            time.sleep(2)
            before = self._replica_transactions()
            began = time.monotonic()
            self.cluster.pg_stop("replica")
            time.sleep(self.window)
            ended = time.monotonic()
        self.cluster.pg_start("replica")
        figures = self._dashboards(began, ended)
        figures["replica_transactions_per_second_before"] = before
        self.note("replica stopped", figures, figures["dashboard_failures"] == 0)
        self._until(lambda: self._lag() == 0, 60, "the replica to catch up")
        time.sleep(CHECK_EVERY * 2)

    def replica_lagging(self) -> None:
        with self.dashboard, self.family_list, self.writes:
            time.sleep(2)
            healthy, reads_healthy = self._replica_activity()
            self.cluster.sql("replica", "SELECT pg_wal_replay_pause()")
            began = time.monotonic()
            self._until(lambda: self._lag() > MAX_LAG, 60, "the replica to fall behind")
            time.sleep(SETTLE_AFTER_THE_LIMIT)
            behind = time.monotonic()
            lagging, reads_behind = self._replica_activity(seconds=self.window)
            lag = self._lag()
            ended = time.monotonic()
        self.cluster.sql("replica", "SELECT pg_wal_replay_resume()")
        figures = self._dashboards(began, ended)
        figures.update(
            seconds_behind_at_end=round(lag, 1),
            seconds_until_past_the_limit=round(behind - began - SETTLE_AFTER_THE_LIMIT, 1),
            replica_table_reads_per_second_healthy=reads_healthy,
            replica_table_reads_per_second_while_behind=reads_behind,
            replica_transactions_per_second_healthy=healthy,
            replica_transactions_per_second_while_behind=lagging,
            app_processes_that_left_the_replica=self._log_lines("behind (limit"),
        )
        # Judged by the reads of the portal's tables, which only pages make: the replica's
        # transactions also count each app process's health check (one a second each, and
        # more of them are asked while behind), a floor that made the ratio of transactions
        # pass or fail by the hour's speed (9.3 a second behind against 24.5 healthy, once).
        passed = (
            figures["dashboard_failures"] == 0
            and reads_healthy > 0
            and reads_behind < max(reads_healthy / 20, 1.0)
            and figures["app_processes_that_left_the_replica"] > 0
        )
        self.note("replica lagging (replay paused)", figures, passed)
        self._until(lambda: self._lag() == 0, 60, "the replica to catch up")

    def pgbouncer_restarted(self) -> None:
        with self.family_list, self.writes:
            time.sleep(1)
            began = time.monotonic()
            self.cluster.kill("pgbouncer", signal.SIGTERM)
            self.cluster.pgbouncer_start()
            restarted = time.monotonic()
            time.sleep(4)
            ended = time.monotonic()
        entries = self.record.between(began - 1, ended)
        tail = self.record.between(restarted + 2, ended)
        figures = {
            "seconds_to_restart": round(restarted - began, 2),
            "seconds_of_failures": self.t.outage(entries),
            "failed_requests": sum(not e.ok for e in entries),
            "failed_2s_after_restart": sum(not e.ok for e in tail),
            "writes_busy_page_text_kept": sum(e.outcome == "kept" for e in entries),
            "writes_other_failures": sum(e.outcome == "other" for e in entries),
            "failures": self.t.reasons(entries),
        }
        passed = figures["failed_2s_after_restart"] == 0 and figures["writes_other_failures"] == 0
        self.note("PgBouncer restarted", figures, passed)

    def primary_restarted(self) -> None:
        with self.family_list, self.writes:
            time.sleep(1)
            began = time.monotonic()
            self.cluster.pg_stop("primary")
            stopped = time.monotonic()
            time.sleep(2)  # a short outage, as a minor-version upgrade is
            self.cluster.pg_start("primary")
            restarted = time.monotonic()
            self._until(lambda: self._writes_ok_since(restarted), 60, "writes to resume")
            time.sleep(2)
            ended = time.monotonic()
        entries = self.record.between(began - 1, ended)
        writes = [e for e in entries if e.outcome]  # the probe's and the staff's contacts
        pages = [e for e in entries if not e.outcome]
        outcomes = {k: sum(e.outcome == k for e in writes) for k in ("acked", "kept", "other")}
        figures = {
            "seconds_stopped": round(restarted - stopped, 2),
            "seconds_writes_failed": self.t.outage(writes),
            "write_attempts": len(writes),
            "writes_acked": outcomes["acked"],
            "writes_busy_page_text_kept": outcomes["kept"],
            "writes_other_failures": outcomes["other"],
            "page_failures": self.t.reasons(pages),
            "worker_restarts_after": dict(self.cluster.restarts),
        }
        statuses = {str(e.status) for e in pages if not e.ok}
        passed = outcomes["other"] == 0 and outcomes["kept"] > 0 and statuses <= {"503"}
        self.note("primary restarted", figures, passed)

    def acknowledged_writes(self) -> None:
        from django.db import connections

        from bench import load

        self.stop_staff.set()
        for person in self.staff:
            person.join(timeout=90)
        connections.close_all()
        once, unacked = load.stored_exactly_once(self.record.acked, self.t.CONTACT_PREFIX)
        figures = {
            "acknowledged": len(self.record.acked),
            "stored_exactly_once": once,
            "stored_but_not_acknowledged": unacked,
        }
        self.note("every acknowledged write stored once", figures, once)

    # Helpers ------------------------------------------------------------------------------

    def _until(self, check, seconds: float, what: str) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                if check():
                    return
            except Exception:  # noqa: BLE001 - a server on its way back up
                from django.db import connections

                connections.close_all()
            time.sleep(0.1)
        raise RuntimeError(f"Gave up waiting for {what}")

    def _lag(self) -> float:
        from scale.routers import LAG_SQL

        return float(self.cluster.sql("replica", LAG_SQL)[0][0] or 0)

    def _replica_transactions(self, seconds: float = 2.0) -> float:
        return self._replica_activity(seconds)[0]

    def _replica_activity(self, seconds: float = 2.0) -> tuple[float, float]:
        """Transactions a second on the replica's database (dashboard reads, and the app
        processes' health checks, one a second each), and scans of the portal's tables a
        second: what pages read there, as a health check reads no table. A backend reports
        its counts when it goes idle, at most a second late."""
        sql = (
            "SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database"
            " WHERE datname = current_database()),"
            " (SELECT COALESCE(SUM(seq_scan + COALESCE(idx_scan, 0)), 0)::bigint"
            " FROM pg_stat_user_tables)"
        )
        transactions, reads = self.cluster.sql("replica", sql)[0]
        time.sleep(seconds)
        transactions_after, reads_after = self.cluster.sql("replica", sql)[0]
        return (
            round((transactions_after - transactions - 2) / seconds, 1),
            round((reads_after - reads) / seconds, 1),
        )

    def _dashboards(self, began: float, ended: float) -> dict:
        dash = self.record.between(began, ended, {"dashboard"})
        other = self.record.between(began, ended, {"family list"})
        return {
            "dashboards": len(dash),
            "dashboard_p95_ms": self.t.p95(dash),
            "dashboard_failures": sum(not e.ok for e in dash),
            "family_list_p95_ms": self.t.p95(other),
            "family_list_failures": sum(not e.ok for e in other),
        }

    def _writes_ok_since(self, since: float) -> bool:
        return any(e.ok for e in self.record.between(since, time.monotonic(), {"write probe"}))

    def _log_lines(self, words: str) -> int:
        return sum(
            (self.cluster.tmp / f"{app}.log").read_text(errors="replace").count(words)
            for app in ("app1", "app2")
        )


def table(results: dict) -> str:
    lines = [f"{'Drill':<42} {'Result':<7} Figures", "-" * 100]
    for name, figures in results.items():
        shown = ", ".join(
            f"{k}={v}" for k, v in figures.items() if k not in ("passed", "failures", "states")
        )
        lines.append(f"{name:<42} {'ok' if figures['passed'] else 'FAILED':<7} {shown}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the CI version (about 2 minutes)")
    parser.add_argument("--seconds", type=int, help="the load test's length (60; short 10)")
    parser.add_argument(
        "--staff", type=int, help="staff working throughout, at most (16, as many as there are)"
    )
    parser.add_argument(
        "--pause", type=float, nargs=2, default=(0.5, 2.0), metavar="S",
        help="seconds each member of staff pauses before an action (0.5 2)",
    )  # fmt: skip
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (8 if args.short else 60)
    args.staff = args.staff or (6 if args.short else 16)
    args.pause = tuple(args.pause)
    stop_on_signals()
    wall = time.monotonic()
    from bench.messages import Sink

    sink = Sink()
    cluster = Cluster(
        email_url=f"smtp://127.0.0.1:{sink.port}",
        env={
            "REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
            "REPLICA_CHECK_SECONDS": str(CHECK_EVERY),
            "MESSAGES_CLAIM_SECONDS": str(CLAIM_SECONDS),
        },
    )
    drills, failed = None, ""
    try:
        import logging

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        sink.controller.start()
        cluster.start()
        cluster.django_env()
        os.environ["MESSAGES_CLAIM_SECONDS"] = str(CLAIM_SECONDS)
        plans, password = load_data(schools=2, pupils=120, users=args.staff + 4)
        print(f"Migrated and loaded ({time.monotonic() - wall:.0f} s)")
        cluster.start_servers()
        drills = Drills(cluster, args, sink)
        drills.people(plans, password)
        print(f"Cluster up and staff signed in ({time.monotonic() - wall:.0f} s). Drills:")
        drills.lap = time.monotonic()
        for drill in (
            drills.load_test,
            drills.app_server_killed,
            drills.worker_killed,
            drills.replica_stopped,
            drills.replica_lagging,
            drills.pgbouncer_restarted,
            drills.primary_restarted,
            drills.acknowledged_writes,
        ):
            try:
                drill()
            except Exception as exc:  # noqa: BLE001 - record it; the other drills still run
                drills.note(drill.__name__, {"error": f"{type(exc).__name__}: {exc}"}, False)
    except KeyboardInterrupt:
        print("Interrupted: stopping the cluster.")
        failed = "interrupted"
    except Exception as exc:  # noqa: BLE001 - the cluster did not come up: say why, then stop
        traceback.print_exc()
        failed = f"{type(exc).__name__}: {str(exc)[:300]}"
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # nothing interrupts the clean-up
        if drills is not None and hasattr(drills, "stop_staff"):
            drills.stop_staff.set()
        try:
            cluster.stop()
        finally:
            with contextlib.suppress(Exception):
                sink.controller.stop()
    left = cluster.leftovers()
    results = drills.results if drills else {}
    if failed:
        results["the run itself"] = {"error": failed, "passed": False}
    results["nothing left running"] = {"processes": left, "passed": not left}
    print()
    print(table(results))
    seconds = round(time.monotonic() - wall)
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "short": args.short,
        "wall_seconds": seconds,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "REPLICA_MAX_LAG_SECONDS": MAX_LAG,
            "REPLICA_CHECK_SECONDS": CHECK_EVERY,
            "MESSAGES_CLAIM_SECONDS": CLAIM_SECONDS,
            "staff_pause_seconds": list(args.pause),
            "data": "2 schools of 120 pupils, 1 year (scale.loadgen via bench/load.py)",
        },
        "drills": results,
    }
    Path(args.out).write_text(json.dumps(report, indent=2, default=str) + "\n")
    passed = bool(results) and all(r["passed"] for r in results.values()) and len(results) > 8
    print(f"\nWall time {seconds} s. Wrote {args.out}. {'All drills passed.' if passed else ''}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
