"""E-mail: one message from a subject/text/HTML template trio, and header text made safe."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string


def header_safe(text: str) -> str:
    """`text` on one line: line breaks and other control characters become single spaces, so a
    stray newline (in a school's name, say) cannot make Django refuse the whole e-mail."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(cleaned.split())


def templated(*, template: str, to: str | list[str], context: dict) -> EmailMultiAlternatives:
    """One e-mail from `<template>_subject.txt`, `<template>.txt` and `<template>.html`: the
    way every e-mail of the portal is written (the subject made header-safe, the text as the
    body, the HTML as its alternative)."""
    subject = header_safe(render_to_string(f"{template}_subject.txt", context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to] if isinstance(to, str) else list(to),
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_templated(*, template: str, to: str | list[str], context: dict) -> None:
    """Send one e-mail from a template trio (see templated)."""
    templated(template=template, to=to, context=context).send()


def send_all(messages: list[EmailMultiAlternatives]) -> int:
    """Send several e-mails through one connection; returns how many went."""
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
