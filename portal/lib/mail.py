"""E-mail: one message from a subject/text/HTML template trio, and header text made safe."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def header_safe(text: str) -> str:
    """`text` on one line: line breaks and other control characters become single spaces, so a
    stray newline (in a school's name, say) cannot make Django refuse the whole e-mail."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(cleaned.split())


def send_templated(*, template: str, to: str, context: dict) -> None:
    """Send `<template>_subject.txt`, `<template>.txt` and `<template>.html` to one address."""
    subject = header_safe(render_to_string(f"{template}_subject.txt", context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
