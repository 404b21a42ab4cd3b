"""Retention policies are edited by administrators here too (each school's administrator only
their own schools'); legal holds and the erasure log are
read-only in admin (holds are set and lifted by the headteacher in the portal)."""

from django.contrib import admin

from audit.admin import ReadOnlyAdminMixin
from portal.lib.admin_scope import SchoolScopedAdminMixin
from portal.lib.family_admin import FamilyDataAdminMixin
from privacy.models import ErasureLog, ErasureRun, LegalHold, RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ["school", "routine_years", "protection_years", "updated_at"]
    list_select_related = ["school"]
    fields = ["school", "routine_years", "protection_years", "notes"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(LegalHold)
class LegalHoldAdmin(FamilyDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["family_id", "school", "set_at", "lifted_at"]
    list_select_related = ["school"]
    list_filter = ["school"]
    actions = None


@admin.register(ErasureRun)
class ErasureRunAdmin(FamilyDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "started_at",
        "finished_at",
        "as_of",
        "started_by",
        "started_by_user",
        "school",
        "erased",
    ]
    list_select_related = ["school", "started_by_user"]
    actions = None


@admin.register(ErasureLog)
class ErasureLogAdmin(FamilyDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["erased_at", "kind", "object_id", "family_id", "school", "stage", "run"]
    list_filter = ["kind", "stage", "school"]
    search_fields = ["=family_id", "=object_id"]
    list_select_related = ["school", "run"]
    actions = None
