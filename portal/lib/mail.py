"""Text that goes into an e-mail header (a subject) from what people typed."""

import unicodedata


def header_safe(text: str) -> str:
    """`text` on one line: line breaks and other control characters become single spaces, so a
    stray newline (in a school's name, say) cannot make Django refuse the whole e-mail."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(cleaned.split())
