"""`make bench-capacity`: how many requests a second the 2 cores serve, today's code against a
baseline commit measured in the same run, and the latency of 100 staff working at people's pace.

    scripts/with-postgres.sh .venv/bin/python bench/capacity.py [--baseline f57c003] [--seconds 60]
    scripts/with-postgres.sh .venv/bin/python bench/capacity.py --quick    # about 3 minutes

The stage (not measured): bench/load.py's authority (ten schools of 470 pupils, one year) is
generated once, by the current code, after the current code's migrations. The baseline commit is
exported with `git archive` into a temporary folder (the checkout is not touched) and both
versions are served at once by gunicorn on loopback (3 workers x 4 threads each, the same venv),
against the same throwaway PostgreSQL: the baseline code serves the current schema. Every virtual
member of staff signs in once through the current code's login form (headteachers with a code);
the baseline serves the same sessions, or if it refuses them they sign in to it as well.

Saturation (measured): the `--stress` mix of bench/load.py (0.5-2 s before every action, 80%
page reads, 20% contacts logged) from enough staff to keep both cores busy, for --seconds after a
short warm-up, current and baseline alternating round by round, so that whatever else the shared
machine does falls on both. Per round: requests completed per second, p50/p95, failures, writes
acknowledged and stored exactly once, how busy the machine was (and the CPU its host took away:
steal), and the CPU time per request of the app servers and of PostgreSQL. The result is the
median throughput of the current code's rounds over the baseline's (target >= 2.0).

People's pace (measured): --staff (100) with bench/load.py's pauses (2-8 s reading, 20-40 s
writing a note) on the current code (and the baseline with --people-baseline); target p95 <=
400 ms. Prints Markdown tables and writes bench/results-capacity.json. Everything it starts
(the two servers, the exported folder) is stopped and removed at the end, also on failure,
Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402  (sets the load test's environment before Django starts)

STRESS = (0.5, 2.0)
TICK = os.sysconf("SC_CLK_TCK")


def _git(*args: str) -> str:
    """Read-only git (rev-parse, diff --name-only, archive) in the checkout."""
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def export_baseline(commit: str, into: Path) -> None:
    """The baseline's files in a folder of their own, with its static files collected."""
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise RuntimeError(f"git archive {commit} failed")
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=into,
        env={**os.environ, "PYTHONPATH": str(into)},
        check=True,
    )


def newer_migrations(baseline_dir: Path) -> list[str]:
    """Migrations the current code has and the baseline has not (the schema it is served)."""

    def names(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.glob("*/migrations/0*.py")}

    return sorted(names(ROOT) - names(baseline_dir))


# CPU accounting from /proc: the machine's busy and stolen time, and a process tree's CPU.


def _machine_ticks() -> list[int]:
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:]]


def _proc_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of a process and its children, living (utime+stime) and reaped (cutime…)."""
    total = 0.0
    stat = _proc_stat(root)
    if stat:  # fields after the name: state ppid … utime(11) stime(12) cutime(13) cstime(14)
        total += sum(int(x) for x in stat[11:15])
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (s := _proc_stat(int(entry))) and int(s[1]) == root:
            total += int(s[11]) + int(s[12])
    return total / TICK


def postmaster_pid() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    stat = _proc_stat(backend)
    return int(stat[1]) if stat else None  # None: PostgreSQL is on another machine


class Meter:
    """CPU used between start() and stop(): machine busy and steal, app servers, database."""

    def __init__(self, server_pid: int, db_pid: int | None):
        self.pids = {"app": server_pid, "db": db_pid}

    def _read(self):
        cpu = {k: tree_cpu_seconds(p) if p else 0.0 for k, p in self.pids.items()}
        return _machine_ticks(), cpu, sum(os.times()[:2])

    def start(self):
        self.began = self._read()

    def stop(self) -> dict:
        (t0, c0, g0), (t1, c1, g1) = self.began, self._read()
        d = [b - a for a, b in zip(t0, t1, strict=False)][:8]  # guest time is inside user
        total = sum(d) or 1
        idle = d[3] + d[4]  # idle, iowait
        steal = d[7] if len(d) > 7 else 0
        return {
            "machine_busy": round((total - idle - steal) / total, 3),
            "steal": round(steal / total, 3),
            "busy_cores": round((total - idle - steal) / total * (os.cpu_count() or 1), 2),
            "app_cpu_s": round(c1["app"] - c0["app"], 2),
            "db_cpu_s": round(c1["db"] - c0["db"], 2),
            "load_generator_cpu_s": round(g1 - g0, 2),
        }


def sign_everyone_in(port: int, plans, password: str) -> dict[int, dict]:
    """Each plan's cookies once signed in to the server on port (not measured)."""

    def one(n):
        browser = load.Browser(port)
        try:
            return n, load.sign_in(browser, plans[n], password), browser.cookies
        except (http.client.HTTPException, OSError):
            return n, None, {}

    with ThreadPoolExecutor(max_workers=6) as pool:
        signed = {
            n: cookies for n, status, cookies in pool.map(one, range(len(plans))) if status == 302
        }
    return signed


def smoke(port: int, plans, signed) -> dict[str, int]:
    """Each kind of page once from the first head and teacher: does this code serve the data?"""
    seen = {}
    for n in [next((n for n in signed if plans[n]["head"] == h), None) for h in (True, False)]:
        if n is None:
            continue
        browser = load.Browser(port)
        browser.cookies = dict(signed[n])
        for kind, url in load.reads_for(plans[n]):
            try:
                seen.setdefault(kind, browser.request("GET", url)[0])
            except (http.client.HTTPException, OSError) as exc:
                seen.setdefault(kind, type(exc).__name__)
    return seen


def run_load(port, plans, signed, pauses, seconds, warmup, label, meter=None) -> dict:
    """Staff work against one server for warmup + seconds; measured over the last seconds."""
    settings = SimpleNamespace(read_pause=pauses[0], write_pause=pauses[1])  # (read, write)
    log, acked, lock, failures = [], [], threading.Lock(), Counter()
    began = time.monotonic()
    deadline = began + warmup + seconds
    threads = []
    for n, cookies in signed.items():
        browser = load.Browser(port)
        browser.cookies = cookies  # the same dict: a refreshed session cookie is kept
        args = (browser, plans[n], n, settings, log, acked, lock, deadline, failures, label, False)
        threads.append(threading.Thread(target=load.work, args=args, daemon=True))
    for t in threads:
        t.start()
    time.sleep(max(0.0, began + warmup - time.monotonic()))
    if meter:
        meter.start()
    time.sleep(max(0.0, deadline - time.monotonic()))
    cpu = meter.stop() if meter else {}
    for t in threads:
        t.join()
    window = [e for e in log if e[3] >= began + warmup and e[3] <= deadline]
    times = sorted(e[1] for e in window)
    exactly_once, unacked = load.stored_exactly_once(acked, f"Load test contact {label}")
    rps = len(window) / seconds
    mean_pause = 0.8 * statistics.mean(pauses[0]) + 0.2 * statistics.mean(pauses[1])
    row = {
        "staff": len(signed),
        # With no waiting at all the staff could ask this much: near it, they were the limit.
        "most_staff_could_ask_per_second": round(len(signed) / mean_pause, 1),
        "requests": len(window),
        "requests_per_second": round(rps, 1),
        "median_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": load.p95(times),
        "failures": sum(1 for e in log if not e[2]),
        "failure_reasons": dict(failures),
        "writes_acknowledged": len(acked),
        "writes_stored_exactly_once": exactly_once,
        "unacknowledged_but_stored": unacked,
        "actions": load.per_action(window),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **cpu,
    }
    if cpu and len(window):
        row["app_db_cores"] = round((cpu["app_cpu_s"] + cpu["db_cpu_s"]) / seconds, 2)
        for key in ("app", "db", "app_db"):
            used = cpu["app_cpu_s"] + cpu["db_cpu_s"] if key == "app_db" else cpu[f"{key}_cpu_s"]
            row[f"{key}_cpu_ms_per_request"] = round(used * 1000 / len(window), 1)
        # Sizing: cores kept busy per 100 requests a second (everything on the machine, and
        # the app servers with PostgreSQL alone, without the load generator).
        row["cores_per_100_rps"] = round(cpu["busy_cores"] / rps * 100, 2)
        row["app_db_cores_per_100_rps"] = round(
            (cpu["app_cpu_s"] + cpu["db_cpu_s"]) / seconds / rps * 100, 2
        )
    return row


def _machine() -> dict:
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if "model name" in line), "")
    with open("/proc/meminfo") as f:
        memory_kb = int(f.readline().split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(memory_kb / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="f57c003", help="commit to compare against")
    parser.add_argument("--seconds", type=int, default=60, help="each saturation round")
    parser.add_argument("--rounds", type=int, default=2, help="saturation rounds per code")
    parser.add_argument("--warmup", type=int, default=5, help="seconds before each round counts")
    parser.add_argument("--stress-staff", type=int, default=150)
    parser.add_argument("--staff", type=int, default=100, help="staff at people's pace")
    parser.add_argument("--people-seconds", type=int, default=120)
    parser.add_argument("--people-baseline", action="store_true", help="also at people's pace")
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--pupils", type=int, default=470)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8771, help="current code; baseline +1")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-capacity.json"))
    parser.add_argument("--quick", action="store_true", help="a ~3-minute check of the harness")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.warmup, args.people_seconds = 15, 3, 30
        args.stress_staff, args.staff = min(args.stress_staff, 40), min(args.staff, 40)
    return args


def _stop_on_term(*_):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = _parse(argv)
    signal.signal(signal.SIGTERM, _stop_on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    started = time.monotonic()
    baseline = _git("rev-parse", "--short", f"{args.baseline}^{{commit}}")
    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": _machine(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "current": {
            "commit": _git("rev-parse", "--short", "HEAD"),
            "uncommitted_files": _git("diff", "--name-only", "HEAD").splitlines(),
        },
        "baseline": {"commit": baseline},
        "settings": {k: v for k, v in vars(args).items() if k != "out"},
    }
    work_dir = Path(tempfile.mkdtemp(prefix="capacity-baseline-"))
    servers = {}
    try:
        print(f"Exporting {baseline} and generating the data…", flush=True)
        export_baseline(baseline, work_dir)
        report["export_seconds"] = round(time.monotonic() - started, 1)
        report["baseline"]["newer_migrations_applied"] = newer_migrations(work_dir)
        users = max(args.stress_staff, args.staff)
        plan_args = SimpleNamespace(**{**vars(args), "users": users})
        plans, password = load._plan(plan_args)
        report["data_seconds"] = round(time.monotonic() - started - report["export_seconds"], 1)
        if len(plans) < users:
            print(f"Only {len(plans)} staff in the data (asked for {users}).", file=sys.stderr)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            report["machine"]["postgresql"] = cursor.fetchone()[0]
        db_pid = postmaster_pid()
        connection.close()
        codes = {"current": (args.port, ROOT), "baseline": (args.port + 1, work_dir)}
        for code, (port, folder) in codes.items():
            servers[code] = load.start_server(
                port, code_dir=folder, workers=args.workers, threads=args.threads
            )
        # Signing in is a deliberately slow password hash (about a second of CPU here), so
        # staff sign in once, to the current code, and the baseline serves the same sessions
        # (one database, one secret key); only if it refuses them do they sign in to it too.
        for code, (port, _) in codes.items():
            load.wait_for_server(port, servers[code], seconds=60)
        began = time.monotonic()
        signed = {"current": sign_everyone_in(args.port, plans[:users], password)}
        setup = {
            "signed_in": f"{len(signed['current'])} of {len(plans[:users])}",
            "sign_in_seconds": round(time.monotonic() - began, 1),
            "pages_once": {c: smoke(p, plans, signed["current"]) for c, (p, _) in codes.items()},
            "baseline_sessions": "the ones signed in to the current code",
        }
        signed["baseline"] = signed["current"]
        if any(status != 200 for status in setup["pages_once"]["baseline"].values()):
            want = users if args.people_baseline else args.stress_staff
            signed["baseline"] = sign_everyone_in(args.port + 1, plans[:want], password)
            setup["baseline_sessions"] = f"signed in again: {len(signed['baseline'])} of {want}"
            setup["pages_once"]["baseline"] = smoke(args.port + 1, plans, signed["baseline"])
        print(f"Signed in: {setup}", flush=True)
        report["sign_in_and_smoke"] = setup
        print(f"Setup took {time.monotonic() - started:.0f} s.", flush=True)

        rounds = []
        stress_ids = range(args.stress_staff)
        for r in range(1, args.rounds + 1):
            for code, (port, _) in codes.items():
                staff = {n: c for n, c in signed[code].items() if n in stress_ids}
                meter = Meter(servers[code].pid, db_pid)
                row = run_load(
                    port, plans, staff, (STRESS, STRESS), args.seconds, args.warmup,
                    f"{code}-s{r}/", meter,
                )  # fmt: skip
                rounds.append({"round": r, "code": code, **row})
                print(_round_line(rounds[-1]), flush=True)
        report["saturation"] = rounds
        report["throughput_ratio"] = _ratio(rounds, "requests_per_second")
        report["cpu_per_request_ratio_baseline_over_current"] = _ratio(
            rounds, "app_db_cpu_ms_per_request", "baseline", "current"
        )
        report["sizing"] = {  # cores per 100 requests a second, median of the rounds
            key: {c: _median(rounds, c, key) for c in codes}
            for key in ("app_db_cores_per_100_rps", "cores_per_100_rps")
        }

        people = {}
        for code in ["current"] + (["baseline"] if args.people_baseline else []):
            port = codes[code][0]
            staff = {n: c for n, c in signed[code].items() if n < args.staff}
            pauses = ((2.0, 8.0), (20.0, 40.0))
            people[code] = run_load(
                port, plans, staff, pauses, args.people_seconds, 0, f"{code}-p/"
            )
            print(f"people's pace, {code}: p95 {people[code]['p95_ms']} ms", flush=True)
        report["people"] = people
    finally:
        for server in servers.values():
            if server.poll() is None:
                server.terminate()  # both at once, then wait for each
        for server in servers.values():
            load.stop_server(server)
        shutil.rmtree(work_dir, ignore_errors=True)

    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["run_seconds"] = round(time.monotonic() - started)
    print(markdown(report))
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


def _median(rounds, code, key) -> float | None:
    got = [x[key] for x in rounds if x["code"] == code and x.get(key) is not None]
    return round(statistics.median(got), 2) if got else None


def _ratio(rounds, key, top="current", bottom="baseline") -> float | None:
    over, under = _median(rounds, top, key), _median(rounds, bottom, key)
    return round(over / under, 2) if over and under else None


def _round_line(x) -> str:
    return (
        f"round {x['round']} {x['code']}: {x['requests_per_second']} req/s, "
        f"p95 {x['p95_ms']} ms, failures {x['failures']}, busy {x.get('machine_busy')}"
    )


def markdown(report) -> str:
    s = report["settings"]

    def sizing(code, key="app_db_cores_per_100_rps"):
        return report["sizing"][key][code]

    cur, base = report["current"]["commit"], report["baseline"]["commit"]
    dirty = " + uncommitted changes" if report["current"]["uncommitted_files"] else ""
    lines = [
        f"## Saturation: `--stress` pauses (0.5–2 s), {s['stress_staff']} staff, "
        f"{s['seconds']} s a round after {s['warmup']} s of warm-up",
        "",
        f"Current: {cur}{dirty}; baseline: {base}. Machine: {report['machine']['cpus']} cores, "
        f"{report['machine']['cpu_model']}; load average at start "
        f"{report['load_average_at_start'][0]}.",
        "",
        "| round | code | req/s | p50 ms | p95 ms | failures | writes acked, stored once "
        "| app CPU ms/req | DB CPU ms/req | app + DB cores | machine busy | steal |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for x in report["saturation"]:
        once = "yes" if x["writes_stored_exactly_once"] else "**NO**"
        lines.append(
            f"| {x['round']} | {x['code']} | {x['requests_per_second']} | {x['median_ms']} "
            f"| {x['p95_ms']} | {x['failures']} | {x['writes_acknowledged']}, {once} "
            f"| {x.get('app_cpu_ms_per_request')} | {x.get('db_cpu_ms_per_request')} "
            f"| {x.get('app_db_cores')} | {x['machine_busy']:.0%} | {x['steal']:.0%} |"
        )
    short = [
        f"{x['code']} {x['round']}"
        for x in report["saturation"]
        if x["requests_per_second"] > 0.7 * x["most_staff_could_ask_per_second"]
    ]
    if short:
        lines += [
            "",
            f"Round(s) {', '.join(short)} ran at over 70% of what the staff could ask for with "
            "no waiting: the staff, not the machine, were the limit; use more `--stress-staff`.",
        ]
    ratio = report["throughput_ratio"]
    met = "met" if ratio and ratio >= 2.0 else "**not met**"
    lines += [
        "",
        f"Throughput current / baseline (median of rounds): **{ratio}** (target ≥ 2.0: {met}). "
        f"CPU per request (app + database), baseline / current: "
        f"{report['cpu_per_request_ratio_baseline_over_current']}. For sizing, the app servers "
        f"and PostgreSQL need {sizing('current')} cores per 100 requests a second of this mix "
        f"(baseline {sizing('baseline')}); the whole machine, load generator and neighbours "
        f"included, {sizing('current', 'cores_per_100_rps')}.",
        "",
        f"## People's pace: read 2–8 s, write 20–40 s, {s['people_seconds']} s",
        "",
        "| code | staff | requests (per second) | failures | p95 ms | p95 per action "
        "| writes acknowledged, stored once |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for code, x in report["people"].items():
        actions = ", ".join(f"{k} {v['p95_ms']}" for k, v in x["actions"].items())
        once = "yes" if x["writes_stored_exactly_once"] else "**NO**"
        lines.append(
            f"| {code} | {x['staff']} | {x['requests']} ({x['requests_per_second']}/s) "
            f"| {x['failures']} | **{x['p95_ms']}** | {actions} "
            f"| {x['writes_acknowledged']}, {once} |"
        )
    p95 = report["people"].get("current", {}).get("p95_ms")
    met = "met" if p95 is not None and p95 <= 400 else "**not met**"
    lines += ["", f"Current code, p95 at people's pace: {p95} ms (target ≤ 400 ms: {met})."]
    if report["baseline"].get("newer_migrations_applied"):
        n = len(report["baseline"]["newer_migrations_applied"])
        lines.append(f"The baseline served the current schema ({n} migrations newer than it).")
    lines.append(f"Whole run: {report['run_seconds']} s.")
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("Stopped; the servers and the exported baseline are gone.", file=sys.stderr)
        sys.exit(130)
