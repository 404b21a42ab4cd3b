"""Light pages: one stylesheet and one script bundle a page, built from their sources, compressed
and given hashed names by WhiteNoise's manifest storage."""

import gzip
import importlib.util
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _build_assets():
    spec = importlib.util.spec_from_file_location("build_assets", ROOT / "scripts/build_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_bundles_match_their_sources():
    stale = _build_assets().stale()
    assert not stale, f"static/dist/ is out of date ({stale}): run scripts/build_assets.py"


def test_the_stylesheet_carries_the_print_rules_inside_a_print_media_block():
    css = (ROOT / "static/dist/portal.css").read_text(encoding="utf-8")
    assert "@media print {\n/* Printed pages" in css
    assert "sourceMappingURL" not in css


def test_the_meetings_bundle_holds_everything_a_meeting_page_needs():
    js = (ROOT / "static/dist/meetings.js").read_text(encoding="utf-8")
    for source in ("vendor/htmx/htmx.min.js", "js/portal.js", "js/meetings.js"):
        assert f"/* {source} */" in js


def test_templates_load_only_the_built_bundles():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for src in re.findall(r"<script[^>]*src=\"\{% static '([^']+)' %\}\"", text):
            assert src.startswith("dist/"), f"{template}: {src}"
        stylesheet = r"<link[^>]*rel=\"stylesheet\"[^>]*href=\"\{% static '([^']+)'"
        for href in re.findall(stylesheet, text):
            # Staff pages carry the portal's stylesheet; the parent's pages their own small one.
            parents = template.name == "parent_base.html"
            assert href == ("dist/parent.css" if parents else "dist/portal.css"), (
                f"{template}: {href}"
            )


def test_a_page_has_one_stylesheet_and_one_script(cast, login):
    html = login(cast.teacher).get(reverse("home")).text
    assert len(re.findall(r'<link rel="stylesheet"', html)) == 1
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/dist/portal.js"]


def test_manifest_storage_compresses_and_hashes_the_bundles(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    built = {p.name for p in (tmp_path / "dist").iterdir()}
    for name, ext in (("portal", "css"), ("portal", "js"), ("meetings", "js")):
        hashed = [n for n in built if re.fullmatch(rf"{name}\.[0-9a-f]{{12}}\.{ext}", n)]
        assert hashed, built
        assert f"{hashed[0]}.gz" in built


@pytest.mark.parametrize("name", ["portal.js", "meetings.js"])
def test_each_script_bundle_is_within_the_list_and_form_page_budget(name):
    data = (ROOT / "static/dist" / name).read_bytes()
    assert len(gzip.compress(data, compresslevel=9)) <= 45 * 1024
