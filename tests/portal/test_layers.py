"""The apps' layering, read from the README's architecture section and checked against every
import in the code (the standard library's ast, so no module is imported to check it): an app
imports only from layers below its own, never from its own layer's other apps or above."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYER = re.compile(r"^\d+\. (`\w+`(?:, `\w+`)*)$")


def _layers() -> dict[str, int]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Architecture") : text.index("\n## ", text.index("## Arch") + 1)]
    layers = {}
    for line in section.splitlines():
        if match := LAYER.match(line.strip()):
            level = len(set(layers.values()))
            for app in re.findall(r"`(\w+)`", match.group(1)):
                layers[app] = level
    return layers


def _imports(path: Path) -> set[str]:
    """The top-level package of every absolute import in `path`, wherever in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_the_readme_names_every_app_in_a_layer():
    layers = _layers()
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps - {"portal"} <= set(layers) and "portal" in layers
    assert set(layers) <= apps


def test_no_app_imports_one_in_its_own_layer_or_above():
    layers = _layers()
    wrong = []
    for app, level in layers.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = str(path.relative_to(ROOT))
            for other in _imports(path) & set(layers) - {app}:
                if layers[other] >= level:
                    wrong.append(f"{name} imports {other}")
    assert wrong == []


def test_the_check_would_see_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from meetings.models import Meeting\n    return Meeting\n")
    assert _imports(module) == {"meetings"}
