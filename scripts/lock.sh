#!/usr/bin/env bash
# Re-makes the lock files in requirements/ from pyproject.toml, with a hash for every file, using
# pip-tools in a throwaway virtualenv. Pass pip-compile options through, e.g. `--upgrade` to move
# everything to the newest versions pyproject.toml allows, or `--upgrade-package django`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || scripts/bootstrap.sh
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
.venv/bin/python -m venv "$tools"
"$tools/bin/python" -m pip install --quiet "pip-tools>=7.5,<8"
compile=("$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras
    --no-emit-index-url --no-emit-find-links "$@")
"${compile[@]}" --output-file requirements/base.lock pyproject.toml
"${compile[@]}" --extra dev --output-file requirements/dev.lock pyproject.toml
echo "Lock files written: requirements/base.lock (to deploy) and requirements/dev.lock (make run, make test)."
