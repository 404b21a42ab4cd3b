"""What the daily reminders to staff keep: which items went in whose e-mail on which day."""

from django.conf import settings
from django.db import models

from portal.models import School


class ReminderSent(models.Model):
    """One item put in one member of staff's reminder e-mail on one day, so running the
    reminders again that day (a retry, a second worker) never repeats it. Kept for
    reminders.services.KEEP_DAYS days, then deleted by the reminder task itself."""

    class Kind(models.TextChoices):
        CONTACT_FOLLOW_UP = "contact_follow_up", "Follow-up of a contact"
        MEETING_FOLLOW_UP = "meeting_follow_up", "Follow-up of a meeting"
        ACTION_POINT = "action_point", "Agreed step from a meeting"
        MEETING_REVIEW = "meeting_review", "Meeting review"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    object_id = models.PositiveBigIntegerField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "sent_on", "kind", "object_id", "user"],
                name="remindersent_once_a_day",
            )
        ]
        # Moved from scale/ with its table, which keeps its name.
        db_table = "scale_remindersent"

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id} to {self.user_id} on {self.sent_on}"
