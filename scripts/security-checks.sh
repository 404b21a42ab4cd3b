#!/usr/bin/env bash
# Static security checks, each failing the build: bandit on our code, then an audit of every
# installed package for known vulnerabilities (see scripts/audit_dependencies.py).
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python

# Tools that are not the product get a few checks skipped, there only: the demo and load-data
# generators use seeded `random` (reproducible data, never secrets) and the published demo
# password (B311, B105); the benchmark and the cluster drills (scale/cluster.py, drills.py,
# traffic.py) also start the portal's own servers and PostgreSQL, PgBouncer and HAProxy with
# fixed arguments (B404, B603; shell=True would still fail), git and tar among them found on
# PATH (B607), and build SQL from their own table names to measure it (B608).
data_paths=()
for p in demo scale/loadgen.py; do [ -e "$p" ] && data_paths+=("./$p"); done
bench_paths=()
for p in bench scale/cluster.py scale/drills.py scale/traffic.py; do
    [ -e "$p" ] && bench_paths+=("./$p")
done
all=("${data_paths[@]}" "${bench_paths[@]}")
excluded=$(IFS=,; echo "${all[*]:-}")

echo "== bandit (product code: every finding fails)"
.venv/bin/bandit -q -c pyproject.toml -r . ${excluded:+-x "$excluded"}
if [ "${#data_paths[@]}" -gt 0 ]; then
    echo "== bandit (demo and load data: B311, B105 allowed)"
    .venv/bin/bandit -q -c pyproject.toml -s B311,B105 -r "${data_paths[@]}"
fi
if [ "${#bench_paths[@]}" -gt 0 ]; then
    echo "== bandit (benchmark and cluster drills: B311, B105, B404, B603, B607, B608 allowed)"
    .venv/bin/bandit -q -c pyproject.toml -s B311,B105,B404,B603,B607,B608 -r "${bench_paths[@]}"
fi

echo "== dependency audit (pip-audit --strict over every installed, pinned package)"
$py scripts/audit_dependencies.py
