#!/usr/bin/env bash
# What the browser tests (tests/browser) need beyond the Python packages: Debian's Chromium at
# /usr/bin/chromium (Playwright's own browser download is not used) and axe-core from npm.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing Chromium for the browser tests (apt-get install chromium)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "The browser tests need Chromium at /usr/bin/chromium." >&2
        echo "Install it as root: apt-get update && apt-get install -y chromium" >&2
        echo "(on other systems, install Chromium and link it to /usr/bin/chromium)." >&2
        exit 1
    fi
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "The browser tests need axe-core from npm: install Node.js and npm, then run npm ci." >&2
        exit 1
    fi
    echo "Installing axe-core for the accessibility checks (npm ci)"
    npm ci --no-audit --no-fund --silent
fi
