"""One-time form tokens: submitting the same create form twice creates one record.

A create form carries a token ({% form_token %} from portal_forms, a hidden field). The view
checks for an earlier submission first and spends the token in the same transaction as the
write:

    if url := once.earlier(request):
        return redirect(url)            # already saved: go to what the first one made
    ...
    try:
        with once.spend(request) as spent:
            contact = contact_log(...)
            spent.made(contact, url)
    except once.AlreadySubmitted as exc:  # a second request raced the first one
        return redirect(exc.url)

Two identical requests at once: the second one's insert waits on the unique token until the
first commits, then finds it spent. A rejected submission rolls back and keeps its token, so the
corrected form can still be sent. Old tokens: `manage.py form_submissions_clear`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.db import IntegrityError, transaction

from portal.models import FormSubmission

FIELD = "form_token"
ALREADY_SAVED = "This was saved already (the form was sent twice), so nothing new was added."


class AlreadySubmitted(Exception):
    """The token was spent by another request; `url` shows what that request made."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def _posted(request) -> uuid.UUID | None:
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def token_for(request) -> str:
    """The token for the form being shown: the one posted back (a rejected submission keeps
    its token), or a new one once the posted one is spent (a form shown again after saving)."""
    if getattr(request, "_form_token_spent", False):
        return str(uuid.uuid4())
    return str(_posted(request) or uuid.uuid4())


def earlier(request, *, fallback: str = "") -> str | None:
    """Where the earlier submission of this form went, if its token is spent (with a message
    for the user); None if it was not submitted before."""
    token = _posted(request)
    if token is None:
        return None
    row = FormSubmission.objects.filter(token=token).values("user_id", "url").first()
    if row is None:
        return None
    request._form_token_spent = True
    if row["user_id"] == request.user.pk:
        messages.info(request, ALREADY_SAVED)
        return row["url"] or fallback or "/"
    return fallback or "/"


class _Spent:
    def __init__(self, record: FormSubmission | None):
        self.record = record

    def made(self, obj, url: str) -> None:
        """Note what the submission created, so that a repeat can be taken to it."""
        if self.record is None:
            return
        self.record.object_type = obj._meta.label_lower
        self.record.object_id = obj.pk
        self.record.url = url[:500]
        self.record.save(update_fields=["object_type", "object_id", "url"])


@contextmanager
def spend(request) -> Iterator[_Spent]:
    """A transaction that spends the posted token first; raises AlreadySubmitted if another
    request spent it. Without a (valid) token the write goes ahead unguarded."""
    token = _posted(request)
    with transaction.atomic():
        record = None
        if token is not None:
            try:
                with transaction.atomic():
                    record = FormSubmission.objects.create(token=token, user=request.user)
            except IntegrityError:
                url = earlier(request)
                raise AlreadySubmitted(url or "/") from None
        yield _Spent(record)
    request._form_token_spent = record is not None
