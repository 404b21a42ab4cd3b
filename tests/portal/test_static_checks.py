"""The static security checks in the test command: bandit fails on a finding, and the
dependency audit fails on a vulnerability but only warns, loudly, when it cannot run."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PINS = ["django==6.1.3", "segno==1.6.6"]


@pytest.fixture(scope="module")
def auditor():
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / "scripts" / "audit_dependencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(auditor, *, reachable=(), audit_status=0, environ=None):
    calls = []

    def audit(service, pins):
        calls.append((service, pins))
        return audit_status

    status = auditor.main(
        requirements=lambda: PINS,
        probe=lambda service, version: None if service in reachable else f"{service} is down",
        audit=audit,
        environ=environ or {},
    )
    return status, calls


def test_a_reachable_source_audits_every_pinned_package(auditor):
    status, calls = _run(auditor, reachable={"pypi"})
    assert status == 0
    assert calls == [("pypi", PINS)]


def test_a_known_vulnerability_fails_the_build(auditor):
    status, _ = _run(auditor, reachable={"osv"}, audit_status=1)
    assert status == 1


def test_the_second_source_is_used_when_the_first_is_down(auditor):
    _, calls = _run(auditor, reachable={"osv"})
    assert calls == [("osv", PINS)]


def test_no_reachable_source_is_said_loudly_and_does_not_fail(auditor, capsys):
    status, calls = _run(auditor)
    out = capsys.readouterr().out
    assert status == 0
    assert calls == []
    assert "DEPENDENCY AUDIT COULD NOT RUN: pypi is down; osv is down" in out
    assert "2 installed packages were NOT checked" in out


def test_no_reachable_source_is_noted_for_the_summary_at_the_end(auditor, tmp_path):
    note = tmp_path / "note.txt"
    _run(auditor, environ={"DEPENDENCY_AUDIT_NOTE": str(note)})
    assert note.read_text().startswith("DEPENDENCY AUDIT COULD NOT RUN: pypi is down")


def test_a_completed_audit_leaves_no_note(auditor, tmp_path):
    note = tmp_path / "note.txt"
    _run(auditor, reachable={"pypi"}, environ={"DEPENDENCY_AUDIT_NOTE": str(note)})
    assert not note.exists()


def test_no_reachable_source_fails_when_the_audit_is_required(auditor):
    status, _ = _run(auditor, environ={"REQUIRE_DEPENDENCY_AUDIT": "1"})
    assert status == 1


def test_the_real_command_is_strict_and_pinned(auditor, monkeypatch):
    seen = {}

    def fake_run(command, check):
        seen["command"] = command
        seen["requirements"] = Path(command[-1]).read_text()
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(auditor.subprocess, "run", fake_run)
    assert auditor.run_pip_audit("pypi", PINS) == 0
    assert "--strict" in seen["command"]
    assert seen["command"][seen["command"].index("--vulnerability-service") + 1] == "pypi"
    assert seen["requirements"].split() == PINS


def test_installed_packages_are_listed_with_exact_versions(auditor):
    pins = auditor.pinned_requirements()
    assert any(p.lower().startswith("django==") for p in pins)
    assert all("==" in p for p in pins)
    assert not any(p.lower().startswith("parent-compass") for p in pins)


def test_bandit_fails_on_a_finding_and_skips_tests_folders(tmp_path):
    bad = tmp_path / "app" / "views.py"
    bad.parent.mkdir()
    bad.write_text("import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n")
    ignored = tmp_path / "app" / "tests" / "test_views.py"
    ignored.parent.mkdir()
    ignored.write_text("def test_it():\n    assert eval('1') == 1\n")
    executable = str(Path(sys.executable).parent / "bandit")
    bandit = [executable, "-q", "-c", str(ROOT / "pyproject.toml"), "-r"]
    found = subprocess.run([*bandit, str(bad.parent)], capture_output=True, text=True)
    assert found.returncode == 1
    assert "B602" in found.stdout
    assert "test_views.py" not in found.stdout
