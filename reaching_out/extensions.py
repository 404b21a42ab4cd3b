"""How an app above this one (evenings) gives its messages their own link and calendar file:
registered by kind in that app's ready(), read by the worker when it sends (services._final_words),
so the link is made at sending like every other and no secret waits in the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# kind -> (message -> MadeLink); raises ValidationError where no link may be made.
LINK_MAKERS: dict[str, Callable[[Any], Any]] = {}
# kind -> (message -> [(filename, bytes, mimetype)]), for an e-mail's attachments.
ATTACHMENTS: dict[str, Callable[[Any], list[tuple[str, bytes, str]]]] = {}


def register_link_maker(kind: str, maker: Callable[[Any], Any]) -> None:
    LINK_MAKERS[kind] = maker


def register_attachments(kind: str, make: Callable[[Any], list[tuple[str, bytes, str]]]) -> None:
    ATTACHMENTS[kind] = make
