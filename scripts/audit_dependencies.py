"""Audits every installed, pinned package for known vulnerabilities (pip-audit --strict).

Exit status: 0 when every package was checked and none has a known vulnerability; pip-audit's
own non-zero status when one has (or when a package could not be checked although the
vulnerability source answered). When no vulnerability source can be reached from this machine
(a network without PyPI's JSON API or OSV), nothing is checked: a loud "DEPENDENCY AUDIT COULD
NOT RUN" line says so and the exit status is 0, unless REQUIRE_DEPENDENCY_AUDIT=1 is set, which
turns that into a failure (for CI on a network that can reach the sources).
"""

from __future__ import annotations

import json
import os

# Runs pip and pip-audit from our own virtualenv, no shell.
import subprocess  # nosec B404
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable

PROBE_PACKAGE = "django"
TIMEOUT_SECONDS = 15


def pinned_requirements(python: str = sys.executable) -> list[str]:
    """`name==version` for every installed package except the project itself (editable)."""
    # Bandit: fixed arguments, our own interpreter.
    out = subprocess.run(  # nosec B603
        [python, "-m", "pip", "freeze", "--exclude-editable", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in out.splitlines() if line.strip() and "==" in line]


def _request(url: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    # Fixed https URLs below, never a user-supplied scheme.
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # nosec B310
        return response.status


def probe(service: str, version: str) -> str | None:
    """None if `service` answers a vulnerability query for Django `version`, else the reason."""
    try:
        if service == "pypi":
            status = _request(f"https://pypi.org/pypi/{PROBE_PACKAGE}/{version}/json")
        else:
            status = _request(
                "https://api.osv.dev/v1/query",
                {"package": {"name": PROBE_PACKAGE, "ecosystem": "PyPI"}, "version": version},
            )
    except urllib.error.HTTPError as error:
        return f"{service} answered HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return f"{service} could not be reached ({getattr(error, 'reason', error)})"
    return None if status == 200 else f"{service} answered HTTP {status}"


def run_pip_audit(service: str, requirements: list[str]) -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(requirements) + "\n")
        path = handle.name
    try:
        command = [
            os.path.join(os.path.dirname(sys.executable), "pip-audit"),
            "--strict",
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--vulnerability-service",
            service,
            "--requirement",
            path,
        ]
        # Bandit: fixed arguments.
        return subprocess.run(command, check=False).returncode  # nosec B603
    finally:
        os.unlink(path)


def main(
    *,
    requirements: Callable[[], list[str]] = pinned_requirements,
    probe: Callable[[str, str], str | None] = probe,
    audit: Callable[[str, list[str]], int] = run_pip_audit,
    environ: dict | None = None,
) -> int:
    environ = os.environ if environ is None else environ
    pins = requirements()
    django_version = next(
        (p.split("==", 1)[1] for p in pins if p.lower().startswith(f"{PROBE_PACKAGE}==")), None
    )
    if django_version is None:
        print("Django is not installed: run the audit from the project's .venv.", file=sys.stderr)
        return 1
    reasons = []
    for service in ("pypi", "osv"):
        reason = probe(service, django_version)
        if reason is None:
            print(f"Auditing {len(pins)} pinned packages against {service} (strict).")
            return audit(service, pins)
        reasons.append(reason)
    required = environ.get("REQUIRE_DEPENDENCY_AUDIT", "") in {"1", "true", "yes"}
    banner = "!" * 78
    headline = (
        f"DEPENDENCY AUDIT COULD NOT RUN: {'; '.join(reasons)}. "
        f"{len(pins)} installed packages were NOT checked for known vulnerabilities."
    )
    # scripts/test.sh repeats this line at the very end of its output, after the test suite's,
    # where it cannot scroll out of sight.
    if note := environ.get("DEPENDENCY_AUDIT_NOTE"):
        with open(note, "a", encoding="utf-8") as handle:
            handle.write(headline + "\n")
    print(banner)
    print(headline)
    print(
        "This fails the build only with REQUIRE_DEPENDENCY_AUDIT=1; run `make test` on a "
        "network that reaches pypi.org or api.osv.dev to audit them."
    )
    print(banner)
    return 1 if required else 0


if __name__ == "__main__":
    sys.exit(main())
