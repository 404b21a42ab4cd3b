"""Writing the access log: the one helper every feature app calls."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AccessLog
from portal.security import client_ip


def access_record(
    request, *, action: str, obj: models.Model, family: models.Model | int | None = None
) -> AccessLog:
    """Logs that the signed-in user viewed, printed or exported `obj` (of `family`, if any)."""
    family_id = family.pk if isinstance(family, models.Model) else family
    user = request.user
    row = AccessLog(
        user=user,
        username=user.get_username(),
        school=getattr(request, "school", None),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        family_id=family_id,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    row.full_clean(exclude=["user", "school", "content_type"])
    row.save()
    return row
