"""Drawing many small pieces of HTML in Python, where a loop in a template costs too much per
piece: a select's options, a dashboard's table cells and the bars of its charts.

Every value is escaped with `escaped`, as the template language escapes it
(`conditional_escape`), before `joined` marks the whole as safe.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe


def escaped(value) -> str:
    """conditional_escape, without making a SafeString of each piece."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def shown(value, *, localised: bool = True) -> str:
    """`value` as `{{ value }}` draws it (localised as the template localises it, or as it
    does inside `{% localize off %}`), escaped."""
    return escaped(formats.localize(value, use_l10n=None if localised else False))


def joined(pieces: Iterable[str]) -> SafeString:
    """HTML made of pieces whose every value went through `escaped` or `shown`."""
    # Safe as format_html is: each value in each piece is escaped before it is joined.
    return mark_safe("".join(pieces))  # nosec B308, B703
