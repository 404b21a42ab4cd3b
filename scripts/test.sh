#!/usr/bin/env bash
# The whole check, as CI runs it: lint, security checks (bandit, dependency audit), a smoke run
# of the SQLite run path and the hostile-input suite on SQLite, then migrations, deploy checks
# and the test suite on a throwaway PostgreSQL, then the short cluster drills. Fails if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== types: mypy over the access policy, every services.py and the newer apps"
DEBUG=true DATABASE_URL="sqlite:////tmp/parent-compass-mypy.sqlite3" .venv/bin/mypy

# A dependency audit that could not run says so again as the very last lines (see the trap).
audit_note="$(mktemp)"
smoke_dir="$(mktemp -d)"
summary() {
    if [ -s "$audit_note" ]; then
        echo
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo "SUMMARY: $(cat "$audit_note")"
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    fi
    rm -rf "$smoke_dir" "$audit_note"
}
trap summary EXIT

echo "== security: bandit and the dependency audit"
DEPENDENCY_AUDIT_NOTE="$audit_note" scripts/security-checks.sh

echo "== smoke check of the run path on SQLite"
DEBUG=true DATABASE_URL="sqlite:///$smoke_dir/smoke.sqlite3" $py scripts/smoke.py

# The hostile-input suite on SQLite too (the run path's database): an out-of-range number is
# a different error there than on PostgreSQL, and each must come back as a message, not a 500.
echo "== hostile-input suite on SQLite"
DEBUG=false SECRET_KEY=test-only-secret-key DATABASE_URL="sqlite:///$smoke_dir/robustness.sqlite3" \
    $py -m pytest --numprocesses "${TEST_WORKERS:-auto}" --maxprocesses 4 -q tests/robustness

echo "== browser test dependencies: Chromium and axe-core"
scripts/browser-deps.sh

echo "== PostgreSQL: migrations, deploy check and the test suite"
scripts/with-postgres.sh scripts/test-on-postgres.sh "$@"

# The cluster on one machine (primary and replica, PgBouncer, two app servers behind HAProxy,
# two task workers) and its drills, short (about two minutes); a failed drill fails the build.
echo "== the cluster drills, short (docs/cluster.md)"
$py scale/drills.py --short --out "$smoke_dir/results-cluster.json"
