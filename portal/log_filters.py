"""Logging filters: a parent's link is a key, so it never reaches a log.

Django logs the path of every 4xx and 5xx response (`django.request`) and the development
server every request (`django.server`); a path under /p/ carries a parent's link token. The
filter rewrites it to /p/…/ in the message and its arguments before any handler sees it."""

from __future__ import annotations

import logging
import re

PARENT_LINK = re.compile(r"/p/[^/\s\"']+")
HIDDEN = "/p/…"


def _hide(value):
    return PARENT_LINK.sub(HIDDEN, value) if isinstance(value, str) else value


class HideParentLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _hide(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_hide(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _hide(arg) for key, arg in record.args.items()}
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request_path = _hide(request.path)
        return True
