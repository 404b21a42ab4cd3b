"""Types where mistakes cost most: the type checker (make test runs mypy) covers the access
policy, every services.py and the apps added from the reminders on, and every view says what
request it gets (portal.http.SchoolRequest: signed in, with the school the middleware sets)."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEWER_APPS = {"reminders", "complaints", "dashboards"}


def _checked() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["mypy"]["files"]


def _covered(path: Path, checked: list[str]) -> bool:
    name = path.relative_to(ROOT).as_posix()
    return any(name == entry or name.startswith(entry.rstrip("/") + "/") for entry in checked)


def test_the_checker_covers_the_policy_every_service_and_the_newer_apps():
    checked = _checked()
    services = [p for p in ROOT.glob("*/services.py") if p.parent.name != "tests"]
    missing = [p.relative_to(ROOT).as_posix() for p in services if not _covered(p, checked)]
    assert missing == []
    assert "portal/access.py" in checked
    assert set(checked) >= NEWER_APPS


def _view_modules():
    for app in ROOT.glob("*/apps.py"):
        folder = app.parent
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).parts
            if "migrations" in parts:
                continue
            if path.name.startswith("views") or "views" in parts:
                yield path


def test_every_view_annotates_its_request():
    bare = []
    for path in _view_modules():
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or not node.args.args:
                continue
            first = node.args.args[0]
            if first.arg != "request":
                continue
            annotation = ast.unparse(first.annotation) if first.annotation else ""
            if annotation != "SchoolRequest":
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert bare == []
