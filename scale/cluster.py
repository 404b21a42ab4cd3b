"""`make cluster`: the country design running on one machine, on loopback, in a temporary folder.

    .venv/bin/python scale/cluster.py [--schools 2] [--pupils 120]

A PostgreSQL 15 primary and a streaming replica (`pg_basebackup -R`), PgBouncer in transaction
mode, two gunicorn app servers behind HAProxy (HTTP health checks), and two task workers
(`manage.py db_worker`), with the production settings: DEBUG off, server-side cursors off and
no kept connections behind PgBouncer (DATABASE_POOLED), dashboards read from the replica while
it is healthy (scale.routers). It migrates, loads a little data, prints the address and a
login, and runs until Ctrl-C; then it stops everything it started. `scale/drills.py` uses the
same class for `make cluster-check`. See docs/cluster.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DB = "compass"
# The settings every process of the cluster shares: production, as bench/load.py runs it.
BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "SECRET_KEY": "cluster-only-secret-key",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "PROXY_COUNT": "1",
}

HAPROXY_CFG = """
global
    maxconn 2000
    stats socket {tmp}/haproxy.sock mode 600 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 90s
    timeout server 60s
    timeout check 3s
    timeout http-keep-alive 75s
    retries 2
    option redispatch
    option forwardfor
frontend portal
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /accounts/login/ ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 500ms fastinter 250ms downinter 1s fall 2 rise 2
{servers}
"""

# As portal/settings.py asks on a direct connection: no JIT compilation, an index read priced
# as what it costs on a server whose data is in memory.
PLANNER = "SET jit = off; SET random_page_cost = 1.1"
WEB_TIMEOUTS = f"'SET lock_timeout = ''5s''; SET statement_timeout = ''15s''; {PLANNER}'"
JOBS_SETUP = f"'{PLANNER}'"
PGBOUNCER_INI = """
[databases]
; the app servers: the web's timeouts are set on each server connection (PgBouncer does not
; pass a client's startup options on)
{db} = host=127.0.0.1 port={primary} dbname={db} connect_query={web_timeouts}
; the task workers, without the web's timeouts (as manage.py commands run); both with the
; planner's settings (no JIT, index reads priced as in memory)
{db}_jobs = host=127.0.0.1 port={primary} dbname={db} connect_query={jobs_setup}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {tmp}/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
server_login_retry = 1
server_connect_timeout = 3
query_wait_timeout = 10
ignore_startup_parameters = extra_float_digits,options
log_connections = 0
log_disconnections = 0
admin_users = postgres
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Nothing answered on port {port} after {seconds} s")


class Cluster:
    """Every process of the cluster, started and stopped here (also on failure: `stop()`)."""

    def __init__(self, *, email_url="consolemail://", env=None, app_workers=2, threads=4):
        if not (PG_BIN / "initdb").exists():
            raise SystemExit(f"PostgreSQL 15 server programs not found in {PG_BIN} (set PG_BIN).")
        self.bin: dict[str, str] = {}
        for program in ("pgbouncer", "haproxy"):
            found = shutil.which(program, path=os.environ.get("PATH", "") + ":/usr/sbin")
            if not found:
                raise SystemExit(f"{program} not found: apt-get install -y {program}")
            self.bin[program] = found
        self.tmp = Path(tempfile.mkdtemp(prefix="parent-compass-cluster."))
        self.ports = {
            name: free_port()
            for name in ("primary", "replica", "pgbouncer", "app1", "app2", "balancer")
        }
        self.app_workers, self.threads = app_workers, threads
        self.procs: dict[str, subprocess.Popen] = {}
        self.keep_running = {"worker1": False, "worker2": False}  # restarted if they exit
        self.restarts = {"worker1": 0, "worker2": 0}
        self.run_as: list[str] = []
        self.pg_user = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0:  # PostgreSQL and PgBouncer refuse to run as root
            self.pg_user = "postgres"
            try:
                pwd.getpwnam(self.pg_user)
            except KeyError:
                self.pg_user = "nobody"
            shutil.chown(self.tmp, self.pg_user)
            self.run_as = ["runuser", "-u", self.pg_user, "--"]
        self.tmp.chmod(0o755)
        pooled = f"postgres://postgres@127.0.0.1:{self.ports['pgbouncer']}/{DB}"
        self.env = {
            **os.environ,
            **BASE_ENV,
            "DATABASE_URL": pooled,
            "DATABASE_POOLED": "true",
            "CONN_MAX_AGE": "0",
            "REPLICA_DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.ports['replica']}/{DB}",
            "EMAIL_URL": email_url,
            "MESSAGES_EMAIL_VIA": "smtp",
            "PARENT_COMPASS_CLUSTER": str(self.tmp),  # how leftovers() finds what we started
            **(env or {}),
        }
        self.env.pop("DJANGO_COLORS", None)
        self.direct_url = f"postgres://postgres@127.0.0.1:{self.ports['primary']}/{DB}"
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['balancer']}/"

    # PostgreSQL ----------------------------------------------------------------------------

    def _pg(self, *args: str, check=True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.run_as, *args], cwd=self.tmp, capture_output=True, text=True, check=check
        )

    def _pg_start(self, name: str) -> None:
        port = self.ports[name]
        options = (
            f"-c port={port} -c listen_addresses=127.0.0.1 -k {self.tmp} -c timezone=UTC "
            "-c fsync=off -c full_page_writes=off -c max_connections=200 "
            "-c wal_level=replica -c max_wal_senders=5 -c wal_receiver_status_interval=1"
        )
        done = self._pg(
            str(PG_BIN / "pg_ctl"), "-D", str(self.tmp / name), "-l", str(self.tmp / f"{name}.log"),
            "-w", "-t", "60", "-o", options, "start", check=False,
        )  # fmt: skip
        if done.returncode != 0:
            log = (self.tmp / f"{name}.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"PostgreSQL {name} did not start: {done.stderr}\n{log}")

    def pg_stop(self, name: str, mode: str = "fast") -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.tmp / name), "-m", mode, "-w", "stop",
                 check=False)  # fmt: skip

    def pg_start(self, name: str) -> None:
        self._pg_start(name)

    def sql(self, name: str, statement: str):
        """One statement on the primary or the replica, directly (not through PgBouncer)."""
        import psycopg2

        conn = psycopg2.connect(
            host="127.0.0.1", port=self.ports[name], user="postgres", dbname=DB, connect_timeout=3
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()

    def _databases(self) -> None:
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.tmp / "primary"), "-U", "postgres"]
        self._pg(*initdb, "-A", "trust", "-E", "UTF8", "--no-sync")
        self._pg_start("primary")
        self._pg(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.ports["primary"]),
                 "-U", "postgres", DB)  # fmt: skip

    def _replica(self) -> None:
        self._pg(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.ports["primary"]),
            "-U", "postgres", "-D", str(self.tmp / "replica"), "-R", "-X", "stream",
            "--no-sync", "-c", "fast",
        )  # fmt: skip
        self._pg_start("replica")

    # PgBouncer, HAProxy, gunicorn, workers --------------------------------------------------

    def _spawn(self, name: str, argv: list[str], env=None, log=None) -> subprocess.Popen:
        out = open(self.tmp / f"{log or name}.log", "ab")  # noqa: SIM115 - the child keeps it
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env or self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )  # fmt: skip
        out.close()
        self.procs[name] = proc
        return proc

    def pgbouncer_start(self) -> None:
        ini = self.tmp / "pgbouncer.ini"
        if not ini.exists():
            ini.write_text(
                PGBOUNCER_INI.format(
                    db=DB,
                    primary=self.ports["primary"],
                    port=self.ports["pgbouncer"],
                    tmp=self.tmp,
                    web_timeouts=WEB_TIMEOUTS,
                    jobs_setup=JOBS_SETUP,
                )
            )
            (self.tmp / "userlist.txt").write_text('"postgres" ""\n')
        # As root, PgBouncer itself switches to the unprivileged user (-u): no runuser between,
        # whose own grace period would add two seconds to a restart.
        user = ["-u", self.pg_user] if self.run_as else []
        self._spawn("pgbouncer", [self.bin["pgbouncer"], *user, str(ini)], log="bouncer")
        wait_for_port(self.ports["pgbouncer"])

    def haproxy_start(self) -> None:
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{self.ports[name]} check" for name in ("app1", "app2")
        )
        cfg = self.tmp / "haproxy.cfg"
        cfg.write_text(
            HAPROXY_CFG.format(tmp=self.tmp, port=self.ports["balancer"], servers=servers)
        )
        self._spawn("haproxy", [self.bin["haproxy"], "-db", "-f", str(cfg)])
        wait_for_port(self.ports["balancer"])

    def app_start(self, name: str, wait: bool = True) -> None:
        self._spawn(
            name,
            [
                str(VENV / "gunicorn"), "portal.wsgi",
                "--bind", f"127.0.0.1:{self.ports[name]}",
                "--workers", str(self.app_workers), "--threads", str(self.threads),
                "--keep-alive", "75", "--graceful-timeout", "5", "--no-control-socket",
            ],
        )  # fmt: skip
        if wait:
            self._answers(name)

    def _answers(self, name: str, seconds: float = 60) -> None:
        """Wait until the app server's own login page answers 200 (HAProxy counts a server up
        until its checks fail, so the balancer cannot tell us); fail at once if it stopped."""
        import http.client

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.procs[name].poll() is not None:
                log = (self.tmp / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"App server {name} stopped while starting:\n{log}")
            conn = http.client.HTTPConnection("127.0.0.1", self.ports[name], timeout=10)
            try:
                conn.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            time.sleep(0.3)
        raise RuntimeError(f"App server {name} did not answer within {seconds} s")

    def worker_start(self, name: str) -> None:
        env = {**self.env, "DATABASE_URL": self.env["DATABASE_URL"] + "_jobs"}
        argv = [str(VENV / "python"), "manage.py", "db_worker", "--no-startup-delay"]
        self._spawn(name, [*argv, "--no-reload", "--interval", "0.5"], env=env)
        self.keep_running[name] = True

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to a process group of the cluster (a drill's SIGKILL, or a stop)."""
        if name in self.keep_running:
            self.keep_running[name] = False
        proc = self.procs.get(name)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            proc.wait(timeout=30)

    def _watch(self) -> None:
        """A supervisor for the task workers, as systemd's Restart=always would be: the worker
        exits when the database goes away (django_tasks_db re-raises), and is started again."""
        while not self._stopping.wait(0.5):
            for name, wanted in list(self.keep_running.items()):
                proc = self.procs.get(name)
                if wanted and proc is not None and proc.poll() is not None:
                    self.restarts[name] += 1
                    self.worker_start(name)

    def balancer_status(self) -> dict[str, str]:
        """Each app server's state as HAProxy sees it now: {"app1": "UP", ...}."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(str(self.tmp / "haproxy.sock"))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        states = {}
        for line in data.decode().splitlines():
            fields = line.split(",")
            if len(fields) > 17 and fields[0] == "app" and fields[1].startswith("app"):
                states[fields[1]] = fields[17]
        return states

    def wait_until_up(self, seconds: float = 60) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if all(s.startswith("UP") for s in self.balancer_status().values()):
                return
            time.sleep(0.2)
        raise RuntimeError(f"App servers not all up: {self.balancer_status()}")

    # The whole cluster ---------------------------------------------------------------------

    def start(self, say=print) -> None:
        began = time.perf_counter()
        self._databases()
        self._replica()
        self.pgbouncer_start()
        say(f"PostgreSQL primary, replica and PgBouncer up ({time.perf_counter() - began:.1f} s)")

    def start_servers(self, say=print) -> None:
        """After the data is in: app servers, balancer, task workers."""
        for name in ("app1", "app2"):
            self.app_start(name, wait=False)  # both boot at once
        for name in ("app1", "app2"):
            self._answers(name)
        self.haproxy_start()
        self.wait_until_up()
        for name in ("worker1", "worker2"):
            self.worker_start(name)
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()
        say(f"App servers behind HAProxy at {self.url}; two task workers")

    def stop(self) -> None:
        """Stop everything, in reverse, and remove the folder. Safe to call twice."""
        self._stopping.set()
        for name in list(self.keep_running):
            self.keep_running[name] = False
        for name in reversed(list(self.procs)):
            proc = self.procs[name]
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
                except ProcessLookupError:
                    pass
        for name in ("replica", "primary"):
            if (self.tmp / name).exists():
                with contextlib.suppress(Exception):
                    self.pg_stop(name, "immediate")
        if os.environ.get("CLUSTER_KEEP_LOGS"):  # a failed run's logs, for reading later
            skip = shutil.ignore_patterns("primary", "replica", "*.sock")
            shutil.copytree(self.tmp, os.environ["CLUSTER_KEEP_LOGS"], ignore=skip)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def leftovers(self) -> list[str]:
        """Processes of this cluster still running (none, after stop()): found by the folder in
        their command line or the marker in their environment."""
        marker, found = str(self.tmp).encode(), []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit() or int(proc.name) == os.getpid():
                continue
            try:
                cmdline = (proc / "cmdline").read_bytes()
                environ = (proc / "environ").read_bytes()
            except OSError:
                continue
            if marker in cmdline or b"PARENT_COMPASS_CLUSTER=" + marker in environ:
                found.append(f"{proc.name} {cmdline.replace(b'\0', b' ').decode()[:80]}")
        return found

    def django_env(self) -> None:
        """This process's own settings: the primary directly, for set-up and checks."""
        os.environ.update({**BASE_ENV, "DATABASE_URL": self.direct_url, "CONN_MAX_AGE": "0"})
        for key in ("REPLICA_DATABASE_URL", "DATABASE_POOLED"):
            os.environ.pop(key, None)


def load_data(*, schools: int, pupils: int, users: int):
    """Migrate and load a small authority (bench/load.py's plan): returns (plans, password)."""
    sys.path.insert(0, str(ROOT))
    from bench import load

    args = argparse.Namespace(schools=schools, pupils=pupils, years=1, seed=1, users=users)
    return load._plan(args)


def stop_on_signals() -> None:
    """Ctrl-C, SIGTERM and SIGHUP end the run, so `finally` stops the cluster (SIGINT too:
    a shell starting us in the background would have left it ignored)."""

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=2)
    parser.add_argument("--pupils", type=int, default=120)
    args = parser.parse_args(argv)
    stop_on_signals()
    cluster = Cluster()
    try:
        cluster.start()
        cluster.django_env()
        plans, password = load_data(schools=args.schools, pupils=args.pupils, users=4)
        cluster.start_servers()
        teacher = next(p for p in plans if not p["head"])
        head = next(p for p in plans if p["head"])
        print(
            f"\n  Parent Compass (cluster) is running at  {cluster.url}\n"
            f"  A teacher:       {teacher['user'].username}  password {password}\n"
            f"  A headteacher:   {head['user'].username}  (two-factor: an authenticator app)\n"
            f"  Folder, logs and configuration: {cluster.tmp}\n"
            f"  Ports: {cluster.ports}\n  Press Ctrl-C to stop everything.\n"
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopping the cluster...")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C does not cut the clean-up short
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
