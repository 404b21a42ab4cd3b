"""Nothing lost when the database goes away, or is locked, mid-save.

    with saving.kept_if_connection_lost(request, form):
        contact_log(...)          # @transaction.atomic: all of it is saved, or none
        return redirect(...)
    return render(...)            # the form again, the user's text in it, a plain message, 503

If the connection drops, the server is stopped, or a lock or statement timeout fires
(OperationalError / InterfaceError), the transaction is rolled back; a broken connection is
closed so that re-showing the form (which reads its choices again) opens a fresh one, and
DatabaseUnavailableMiddleware answers 503 rather than 200. Other errors, and failures inside an
outer transaction (which cannot be recovered here), are raised as before; the middleware then
shows the busy page with the submitted text (portal.lib.outage).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

MESSAGE = (
    "We could not save this just now — nothing has been saved, and your text is still here; "
    "please try again in a minute."
)
# Set on the request when a save failed this way: the middleware answers 503.
FAILED_ATTRIBUTE = "database_save_failed"


@contextmanager
def kept_if_connection_lost(request, form) -> Iterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        if connection.in_atomic_block:
            raise
        logger.warning("Save failed, database unavailable: %s", type(exc).__name__)
        close_if_broken()
        setattr(request, FAILED_ATTRIBUTE, True)
        form.add_error(None, MESSAGE)


def close_if_broken() -> None:
    """Close the connection if it is gone (a stopped server); keep it after a lock timeout,
    where only the transaction failed and the connection is still good."""
    try:
        if connection.connection is not None and connection.is_usable():
            return
    except Exception:  # noqa: BLE001 - any failure here means the connection is unusable
        logger.debug("Checking the connection failed", exc_info=True)
    try:
        connection.close()
    except Exception:  # the connection is already unusable; a new one opens on next use
        logger.debug("Closing the lost connection failed", exc_info=True)
