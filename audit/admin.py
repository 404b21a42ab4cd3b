"""Access-log and edit-history rows in admin: readable by those allowed, changeable by no one."""

from django.contrib import admin

from audit.models import AccessLog
from portal.lib.family_admin import FamilyDataAdminMixin


class ReadOnlyAdminMixin:
    """No adding, changing or deleting, for anyone (superusers included)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(FamilyDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "action", "content_type", "object_id", "family_id", "school"]
    list_filter = ["action", "content_type", "school"]
    search_fields = ["username", "=object_id", "=family_id", "=ip_address"]
    list_select_related = ["content_type", "school"]
    date_hierarchy = "at"
    actions = None


def make_history_read_only(site=admin.site) -> None:
    """Makes every registered simple-history model (if any) read-only in admin."""
    from simple_history.models import HistoricalChanges

    for model, model_admin in list(site._registry.items()):
        if issubclass(model, HistoricalChanges) and not isinstance(model_admin, ReadOnlyAdminMixin):
            site.unregister(model)
            read_only = type(
                f"ReadOnly{type(model_admin).__name__}",
                (ReadOnlyAdminMixin, type(model_admin)),
                {"actions": None},
            )
            site.register(model, read_only)
