"""Listing and naming staff, the same way on every form and page."""

from django.contrib.auth import get_user_model

from portal.access import FAMILY_ROLES
from portal.lib.limits import IdChoiceField, IdMultipleChoiceField
from portal.lib.words import staff_name

__all__ = ["staff_name", "family_workers", "StaffChoiceField", "StaffMultipleChoiceField"]


def family_workers(school):
    """Active staff of `school` who work with families, for choosing people on forms."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__school=school,
            memberships__is_active=True,
            memberships__confirmed_at__isnull=False,
            memberships__role__in=FAMILY_ROLES,
        )
        .order_by("last_name", "first_name")
        .distinct()
    )


class StaffChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)


class StaffMultipleChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)
