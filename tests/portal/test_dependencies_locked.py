"""The lock files pin, with hashes, every dependency pyproject.toml names, and the virtualenv the
tests run in holds exactly the locked versions."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(
    r"^([A-Za-z0-9_.\-]+)==(\S+)\s*\\\n((?:\s+--hash=sha256:[0-9a-f]{64}\s*\\?\n?)+)", re.M
)


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(m[1]): m[2] for m in PIN.finditer(text)}


def _names(requirements) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def test_every_runtime_dependency_is_pinned_with_hashes_in_both_locks():
    runtime = _names(_pyproject()["dependencies"])
    for lock in ("base.lock", "dev.lock"):
        missing = runtime - set(_pins(lock))
        assert not missing, f"{lock} lacks {sorted(missing)}: run `make lock`"


def test_every_development_dependency_is_pinned_with_hashes():
    dev = _names(_pyproject()["optional-dependencies"]["dev"])
    missing = dev - set(_pins("dev.lock"))
    assert not missing, f"dev.lock lacks {sorted(missing)}: run `make lock`"


def test_every_line_of_the_lock_that_pins_a_package_carries_a_hash():
    text = (ROOT / "requirements" / "dev.lock").read_text()
    pinned = re.findall(r"^[A-Za-z0-9_.\-]+==", text, re.M)
    assert len(pinned) == len(_pins("dev.lock"))


def test_locked_versions_satisfy_pyproject():
    pins = _pins("dev.lock")
    project = _pyproject()
    for spec in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        requirement = Requirement(spec)
        version = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version, prereleases=True), (spec, version)


# pip is the virtualenv's own installer, locked only as a build tool; it is not upgraded.
@pytest.mark.parametrize("name", sorted(set(_pins("dev.lock")) - {"pip"}))
def test_installed_version_is_the_locked_one(name):
    assert metadata.version(name) == _pins("dev.lock")[name]
