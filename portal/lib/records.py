"""Keeping records trustworthy: edit history that outlives its authors, withdrawal instead of
deletion, and amendments beside the original. Used by families, compass and meetings.

- `KeptHistoricalRecords` is django-simple-history's `HistoricalRecords` with two changes: the
  author's id is kept when their account is deleted (no database constraint, nothing done on
  delete) and their username is copied onto each row, so a history row always says who.
- `Withdrawable` adds who withdrew a record, when and why. Its models use `current_manager()`
  as their default manager, so a withdrawn row drops out of every count, list and dashboard
  without each query remembering to exclude it; `all_objects` still reads it (the chronology's
  collapsed "withdrawn" entries, audit and history).
- `Amendment` is the abstract shape of a correction stored beside an original record.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

from portal.lib.loading import QuickLoaded
from portal.lib.words import staff_name

# A note written more than this long after the event shows when it was written.
LATE_AFTER = timedelta(hours=24)
REASON_MAX = 300


class HistoryAuthor(models.Model):
    """The extra column of every history row: the author's username as it was."""

    history_username = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # history_user is the instance simple-history was given, so this reads no row.
        user = self._state.fields_cache.get("history_user")
        if user is not None and not self.history_username:
            self.history_username = user.get_username()
        super().save(*args, **kwargs)

    @property
    def history_author(self) -> str:
        """Who made this change, in words, even after their account was deleted."""
        user = self._state.fields_cache.get("history_user")
        if user is not None:
            return staff_name(user)
        if self.history_username:
            return f"{self.history_username} (account removed)"
        return "Unknown"


class KeptHistoricalRecords(HistoricalRecords):
    """Edit history whose rows keep their author's id and username after the account goes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("bases", (HistoryAuthor,))
        super().__init__(**kwargs)

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        found = sender.__dict__.get(self.manager_name)
        if type(found) is HistoryDescriptor:
            setattr(sender, self.manager_name, _KeptHistoryDescriptor(found))

    def _get_history_user_fields(self):
        # simple-history's own field is SET_NULL, which would forget who made the change.
        return {
            "history_user": models.ForeignKey(
                settings.AUTH_USER_MODEL,
                null=True,
                related_name="+",
                on_delete=models.DO_NOTHING,
                db_constraint=False,
            )
        }


class _KeptHistoryDescriptor(HistoryDescriptor):
    """`Model.history` and `record.history` with the manager's class made once: simple-history
    makes a new class (from_queryset, which inspects the queryset's every member) on each use,
    and every saved record and family page uses it."""

    def __init__(self, given: HistoryDescriptor):
        super().__init__(given.model, manager=given.manager_class, queryset=given.queryset_class)
        self.manager = self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self.manager(self.model, instance)


# Each choice field's labels by value (see KeptChoiceLabels).
_CHOICE_LABELS: dict = {}


class KeptChoiceLabels(QuickLoaded):
    """`get_FOO_display()` from a table of labels kept per field: Django builds one from the
    field's choices on every call, and a chronology draws about a hundred labels. A field
    whose choices are worked out when asked (a callable) is left to Django. Lazy labels stay
    lazy in the table, so each call still gives the label in the language then active."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            if not isinstance(field.choices, (list, tuple)):
                return super()._get_FIELD_display(field)
            labels = _CHOICE_LABELS[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class Withdrawable(KeptChoiceLabels):
    """A record staff withdraw (with a reason) instead of deleting: it stays, and its history."""

    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    withdrawn_reason = models.CharField(
        "why it is withdrawn", max_length=REASON_MAX, blank=True, default="", editable=False
    )

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def history_by(record: models.Model, user) -> None:
    """Name `user` as the author of the next save of `record` in its edit history (the
    attribute simple-history reads; set here so that no other module spells it)."""
    setattr(record, "_history_user", user)  # noqa: B010


def current_manager(queryset_class: type[models.QuerySet], **also_require):
    """A manager of `queryset_class` that leaves out withdrawn rows.

    `also_require` names lookups a current row must also meet, e.g. an action point whose
    meeting is not withdrawn: `meeting__withdrawn_at__isnull=True`.
    """

    class CurrentManager(models.Manager.from_queryset(queryset_class)):
        def get_queryset(self):
            rows = super().get_queryset()
            if "withdrawn_at" in {f.name for f in self.model._meta.concrete_fields}:
                rows = rows.filter(withdrawn_at__isnull=True)
            return rows.filter(**also_require) if also_require else rows

    return CurrentManager()


def withdraw[W: Withdrawable](record: W, *, by, reason: str) -> W:
    """Mark `record` withdrawn by `by` for `reason`; its history records who did it."""
    reason = (reason or "").strip()
    if record.is_withdrawn:
        raise ValidationError("This record has already been withdrawn.")
    if not reason:
        raise ValidationError({"reason": "Say why this record is being withdrawn."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Please keep the reason to {REASON_MAX} characters."})
    record.withdrawn_at = timezone.now()
    record.withdrawn_by = by
    record.withdrawn_reason = reason
    record.full_clean()
    history_by(record, by)
    record.save()
    return record


def days_late(happened_at, written_at) -> int | None:
    """Whole days between an event and the note about it, if written more than LATE_AFTER
    later; None when the note was written in good time."""
    if happened_at is None or written_at is None or written_at - happened_at <= LATE_AFTER:
        return None
    return max(1, (written_at - happened_at).days)


class Amendment(models.Model):
    """A correction stored beside an original record, which is never overwritten.

    `disputed` means the parent or carer contests the record; `parent_view` holds what they
    say, in their words.
    """

    text = models.TextField(
        "the correction", max_length=2000, help_text="What the record should say, or add."
    )
    reason = models.CharField("why it is amended", max_length=REASON_MAX)
    disputed = models.BooleanField(
        "the parent or carer disputes this record",
        default=False,
        help_text="Tick if a parent or carer contests what was recorded.",
    )
    parent_view = models.TextField(
        "the parent's view, in their words",
        blank=True,
        max_length=2000,
        help_text="Needed when the record is disputed.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="amended by",
    )
    by_username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def author(self) -> str:
        if self.by_id and self.by is not None:
            return staff_name(self.by)
        # A parent's own dispute, written through their link (meetings' by_parent).
        if getattr(self, "by_parent_id", None) and (parent := self.by_parent) is not None:
            return f"{parent.full_name} (parent or carer), through their link"
        return f"{self.by_username} (account removed)" if self.by_username else "Unknown"

    def clean(self):
        errors = {}
        if not self.text.strip():
            errors["text"] = "Write the correction."
        if not self.reason.strip():
            errors["reason"] = "Say why the record is being amended."
        if self.disputed and not self.parent_view.strip():
            errors["parent_view"] = "Write what the parent or carer says, in their words."
        if errors:
            raise ValidationError(errors)


def amendment_add[A: Amendment](amendment: A, *, by) -> A:
    """Save a new amendment by `by` (callers wrap this in their transaction)."""
    amendment.by = by
    amendment.by_username = by.get_username()
    amendment.at = timezone.now()
    if not amendment.disputed:
        amendment.parent_view = ""
    amendment.full_clean()
    history_by(amendment, by)
    amendment.save()
    return amendment
