"""Markup drawn in Python, compared with the template it replaced: whitespace aside."""

import re


def plain(html) -> str:
    """The markup with its layout whitespace taken out (between tags, and runs of spaces)."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()
