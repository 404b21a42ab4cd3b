"""Nothing lost when the database goes away mid-save.

    with saving.kept_if_connection_lost(form):
        contact_log(...)          # @transaction.atomic: all of it is saved, or none
        return redirect(...)
    return render(...)            # the form again, the user's text in it, and a plain message

If the connection drops (OperationalError / InterfaceError) the transaction is rolled back by
the server; the broken connection is closed so that re-showing the form (which reads its choices
again) opens a fresh one. Other errors, and failures inside an outer transaction (which cannot
be recovered here), are raised as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

MESSAGE = "We could not save this just now — your text is still here; please try again in a moment."


@contextmanager
def kept_if_connection_lost(form) -> Iterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        if connection.in_atomic_block:
            raise
        logger.warning("Save failed, database unavailable: %s", type(exc).__name__)
        try:
            connection.close()
        except Exception:  # the connection is already unusable; a new one opens on next use
            logger.debug("Closing the lost connection failed", exc_info=True)
        form.add_error(None, MESSAGE)
