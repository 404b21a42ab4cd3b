#!/usr/bin/env bash
# Creates .venv with Python 3.12+ (if missing) and installs the locked dependencies (requirements/).
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local candidates=("${PYTHON:-}" python3.13 python3.12 python3)
    local root="${PYENV_ROOT:-$HOME/.pyenv}"
    for v in "$root"/versions/3.13* "$root"/versions/3.12*; do
        [ -x "$v/bin/python" ] && candidates+=("$v/bin/python")
    done
    for c in "${candidates[@]}"; do
        [ -n "$c" ] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ]; then
    if ! py=$(find_python); then
        echo "Parent Compass needs Python 3.12 or newer, and none was found." >&2
        echo "Install one (e.g. 'apt-get install python3.12 python3.12-venv', 'brew install python@3.12'" >&2
        echo "or 'pyenv install 3.12'), or point PYTHON at it: PYTHON=/path/to/python3.12 make run" >&2
        exit 1
    fi
    echo "Creating .venv with $py ($("$py" --version))"
    "$py" -m venv .venv
fi

# Exactly the versions in the lock file, each checked against its recorded hash, so every machine
# runs what was tested. The lock is made from pyproject.toml by `make lock` (see docs/development.md).
stamp=.venv/.installed
lock=requirements/dev.lock
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    # Wheels only, except docopt (GOV.UK Notify's client needs it, and it is published as
    # source alone): built here from its hashed source.
    .venv/bin/python -m pip install --quiet --require-hashes --only-binary :all: \
        --no-binary docopt -r "$lock"
    touch "$stamp"
fi

# xmlsec1 checks the signatures of SAML sign-ins (single sign-on, docs/single-sign-on.md, through
# pysaml2); the SAML tests need it too. Installed here as root where apt-get is available.
if ! command -v xmlsec1 >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing xmlsec1 for SAML single sign-on (apt-get install xmlsec1)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null
    else
        echo "SAML single sign-on and its tests need the xmlsec1 program, which was not found." >&2
        echo "Install it as root: apt-get install -y xmlsec1 (Homebrew: brew install libxmlsec1)." >&2
    fi
fi

# PgBouncer and HAProxy for the cluster on one machine (`make cluster`, `make cluster-check`, the
# last step of `make test`; docs/cluster.md), run from their own configuration, never as system
# services. Installed here as root where apt-get is available.
missing=()
for program in pgbouncer haproxy; do
    command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || missing+=("$program")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing ${missing[*]} for the cluster drills (apt-get install ${missing[*]})"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        # The packages' own services are not wanted (the drills start their own copies, on
        # free ports): stop and disable the ones just installed, where systemd started them.
        if command -v systemctl >/dev/null 2>&1; then
            systemctl disable --now "${missing[@]}" >/dev/null 2>&1 || true
        fi
    else
        echo "The cluster drills (make cluster-check, and the end of make test) need ${missing[*]}," >&2
        echo "which were not found. Install as root: apt-get install -y pgbouncer haproxy" >&2
        echo "(Homebrew: brew install pgbouncer haproxy)." >&2
    fi
fi
