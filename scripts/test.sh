#!/usr/bin/env bash
# The whole check, as CI runs it: lint, security checks (bandit, dependency audit), migrations,
# deploy checks and the test suite on a throwaway PostgreSQL, then a smoke run of the SQLite run
# path. Exits with pytest's status.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

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

echo "== browser test dependencies: Chromium and axe-core"
scripts/browser-deps.sh

echo "== PostgreSQL: migrations, deploy check and the test suite"
scripts/with-postgres.sh scripts/test-on-postgres.sh "$@"
