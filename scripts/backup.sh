#!/usr/bin/env bash
# Backs up the portal's PostgreSQL database to one file in pg_dump's custom format.
#   DATABASE_URL=postgres://... scripts/backup.sh [FILE]
# FILE defaults to backups/compass-YYYYmmdd-HHMMSS.dump. The dump holds every family's records:
# keep it encrypted and as securely as the database itself (see docs/data-protection.md, "Backups").
set -euo pipefail

: "${DATABASE_URL:?Set DATABASE_URL to the database to back up}"
out="${1:-backups/compass-$(date -u +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$out")"
umask 077

pg_bin="${PG_BIN:-}"
if [ -z "$pg_bin" ]; then
    for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
        if [ -n "$d" ] && [ -x "$d/pg_dump" ]; then pg_bin="$d"; fi
    done
fi
pg_dump="${pg_bin:+$pg_bin/}pg_dump"

# A django-environ URL ("postgres://...") is also a libpq connection URI.
"$pg_dump" --format=custom --no-owner --no-privileges --file="$out" --dbname="$DATABASE_URL"
echo "Backed up to $out"
