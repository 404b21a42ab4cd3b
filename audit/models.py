"""Who looked at which record, when and from where: one row per view, print or export."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AccessLog(models.Model):
    """One viewing of a record. Holds ids, never a pupil's or parent's name, and is never
    changed or deleted through the portal or admin."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"
        SEND = "send", "Sent a message"
        IMPORT = "import", "Imported"

    # The row outlives the account: the username is kept as it was when the record was seen.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    school = models.ForeignKey(
        "portal.School", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # A plain id, not a foreign key: the row must outlive the family's erasure.
    family_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["school", "family_id", "-at"], name="accesslog_family"),
            models.Index(fields=["user", "-at"], name="accesslog_user"),
        ]
        permissions = [
            ("view_family_audit", "Can see who viewed and changed a family's records"),
        ]

    def __str__(self):
        return f"{self.username} {self.action} {self.content_type.model} #{self.object_id}"
