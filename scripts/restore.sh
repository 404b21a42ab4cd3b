#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an EMPTY database (create it first, e.g.
# `createdb compass_restored`), then check it before pointing the portal at it.
#   TARGET_DATABASE_URL=postgres://.../compass_restored scripts/restore.sh FILE
set -euo pipefail

: "${TARGET_DATABASE_URL:?Set TARGET_DATABASE_URL to the empty database to restore into}"
file="${1:?Give the backup file to restore}"

pg_bin="${PG_BIN:-}"
if [ -z "$pg_bin" ]; then
    for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
        if [ -n "$d" ] && [ -x "$d/pg_restore" ]; then pg_bin="$d"; fi
    done
fi
pg_restore="${pg_bin:+$pg_bin/}pg_restore"

# One transaction: a restore that fails part-way leaves the target empty, not half-filled.
"$pg_restore" --no-owner --no-privileges --single-transaction --exit-on-error \
    --dbname="$TARGET_DATABASE_URL" "$file"
echo "Restored $file"
