#!/usr/bin/env bash
# Runs inside scripts/with-postgres.sh, with DATABASE_URL pointing at the throwaway server.
set -euo pipefail
py=.venv/bin/python

DEBUG=true $py manage.py makemigrations --check --dry-run --no-input >/dev/null \
    || { echo "Model changes without a migration: run 'manage.py makemigrations'." >&2; exit 1; }

# Production-like settings: DEBUG off, a real secret, HTTPS, SMTP email, a task worker.
DEBUG=false SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    ALLOWED_HOSTS=compass.example.org EMAIL_URL="smtp+tls://user:pass@smtp.example.org:587" \
    TASKS_BACKEND=django_tasks_db.DatabaseBackend \
    $py manage.py check --deploy --fail-level WARNING

# The suite runs in parallel (the 25 slowest tests are listed at the end, to keep it quick), one worker per core (at most four; TEST_WORKERS overrides), each
# with its own test database on this server.
workers=(--numprocesses "${TEST_WORKERS:-auto}" --maxprocesses 4)
status=0
# Generous request timeouts for the suite: a busy 2-core machine runs some demo-data queries for
# over 15 s. The outage tests set their own short timeouts and check the settings are applied
# (in values PostgreSQL shows back as written: 120s would read 2min).
DEBUG=false SECRET_KEY=test-only-secret-key DB_STATEMENT_TIMEOUT="${DB_STATEMENT_TIMEOUT:-100s}" \
    DB_LOCK_TIMEOUT="${DB_LOCK_TIMEOUT:-30s}" \
    $py -m pytest "${workers[@]}" --durations=25 "$@" || status=$?
exit "$status"
