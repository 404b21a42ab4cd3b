#!/usr/bin/env bash
# Runs "$@" against a throwaway PostgreSQL cluster in a temporary directory; always stops it.
# Uses the PostgreSQL server binaries found via PG_BIN, pg_config, /usr/lib/postgresql or PATH.
set -euo pipefail

pg_bin="${PG_BIN:-}"
if [ -z "$pg_bin" ]; then
    for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
        if [ -n "$d" ] && [ -x "$d/initdb" ]; then pg_bin="$d"; fi
    done
fi
if [ -z "$pg_bin" ] && command -v initdb >/dev/null 2>&1; then
    pg_bin="$(dirname "$(command -v initdb)")"
fi
if [ -z "$pg_bin" ]; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) were not found." >&2
    echo "Install them (Debian/Ubuntu: apt-get install postgresql-15; macOS: brew install postgresql@15)" >&2
    echo "or set PG_BIN to the folder that holds initdb." >&2
    exit 1
fi

tmp="$(mktemp -d -t parent-compass-pg.XXXXXX)"
run_as=()
# PostgreSQL refuses to run as root: hand the cluster to an unprivileged account.
if [ "$(id -u)" = 0 ]; then
    pg_user=postgres
    id "$pg_user" >/dev/null 2>&1 || pg_user=nobody
    chown "$pg_user" "$tmp"
    run_as=(runuser -u "$pg_user" --)
fi
chmod 755 "$tmp"

cleanup() {
    "${run_as[@]}" "$pg_bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"${run_as[@]}" "$pg_bin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --no-sync >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; exit 1; }
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w start \
    -o "-k $tmp -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
    || { cat "$tmp/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@/postgres?host=$tmp"
echo "Throwaway PostgreSQL running in $tmp"
status=0
"$@" || status=$?
exit "$status"
