#!/usr/bin/env python3
"""Build the one stylesheet and the per-page script bundles in static/dist/ from their sources.

Plain concatenation, so the output is the same on every machine and needs no Node toolchain:
    .venv/bin/python scripts/build_assets.py           # write static/dist/
    .venv/bin/python scripts/build_assets.py --check   # exit 1 if static/dist/ is out of date
The output is committed; tests/portal/test_assets.py fails when it is stale. WhiteNoise's
CompressedManifestStaticFilesStorage compresses the bundles and gives them hashed names.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"

# Each bundle: its name under static/dist/ and its sources in order. A source given as
# ("print", path) is wrapped in @media print, so the print rules ride in the one stylesheet.
BUNDLES: dict[str, list] = {
    "portal.css": [
        "vendor/bootstrap/bootstrap.min.css",
        "css/portal.css",
        ("print", "css/print.css"),
    ],
    # The parent's pages (family_voice): small, no framework, for the cheapest phone.
    "parent.css": ["css/parent.css"],
    # The parent's pages: only the Listen button (the pages work without it).
    "parent.js": ["js/listen.js"],
    # Every page: htmx and the portal's small enhancements (its own navigation toggle stands in
    # for Bootstrap's 80 KB script, of which the portal used only the collapse).
    "portal.js": ["vendor/htmx/htmx.min.js", "js/portal.js"],
    # Meeting pages: everything on every page, plus the meeting enhancements; one script a page.
    "meetings.js": ["vendor/htmx/htmx.min.js", "js/portal.js", "js/meetings.js"],
}

_SOURCE_MAP = re.compile(r"/[*/]# sourceMappingURL=\S+(?: \*/)?")


def _read(source) -> str:
    media = None
    if isinstance(source, tuple):
        media, source = source
    # A source map comment would point at a file we do not ship (and break manifest storage).
    text = _SOURCE_MAP.sub("", (STATIC / source).read_text(encoding="utf-8")).strip()
    banner = f"/* {source} */\n"
    if media:
        return f"{banner}@media {media} {{\n{text}\n}}\n"
    # A semicolon between scripts keeps one file's last expression from running into the next.
    return banner + text + ("\n;\n" if source.endswith(".js") else "\n")


def build() -> dict[str, str]:
    """Each bundle's name under static/dist/ and its text."""
    return {
        name: "/* Built by scripts/build_assets.py: do not edit. */\n"
        + "".join(_read(s) for s in sources)
        for name, sources in BUNDLES.items()
    }


def stale() -> list[str]:
    """Names of bundles whose committed file differs from what the sources build."""
    dist = STATIC / "dist"
    return [
        name
        for name, text in build().items()
        if not (dist / name).exists() or (dist / name).read_text(encoding="utf-8") != text
    ]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for name in out_of_date:
            print(f"static/dist/{name} is out of date: run scripts/build_assets.py")
        return 1 if out_of_date else 0
    dist = STATIC / "dist"
    dist.mkdir(exist_ok=True)
    for name, text in build().items():
        (dist / name).write_text(text, encoding="utf-8")
        print(f"static/dist/{name}: {len(text.encode()):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
