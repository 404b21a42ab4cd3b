#!/usr/bin/env bash
# Static security checks, each failing the build: bandit on our code, then an audit of every
# installed package for known vulnerabilities (see scripts/audit_dependencies.py).
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python

# Demo and load-test data generators use seeded `random` (reproducible data, never secrets)
# and fixed demo passwords; only those two checks are skipped there, and only there.
demo_paths=()
for p in demo bench scale/loadgen.py; do [ -e "$p" ] && demo_paths+=("./$p"); done
excluded=$(IFS=,; echo "${demo_paths[*]:-}")

echo "== bandit (product code: every finding fails)"
.venv/bin/bandit -q -c pyproject.toml -r . ${excluded:+-x "$excluded"}
if [ "${#demo_paths[@]}" -gt 0 ]; then
    echo "== bandit (demo and load data, B311 and B105 allowed)"
    .venv/bin/bandit -q -c pyproject.toml -s B311,B105 -r "${demo_paths[@]}"
fi

echo "== dependency audit (pip-audit --strict over every installed, pinned package)"
$py scripts/audit_dependencies.py
