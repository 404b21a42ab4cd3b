"""Admin: schools reword compass regions and lever steps; placements are read-only history."""

from django.contrib import admin

from compass.models import CompassRegion, LeverStep, Placement
from portal.lib.family_admin import FamilyDataAdminMixin


@admin.register(CompassRegion)
class CompassRegionAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "school", "order", "x_min", "x_max", "y_min", "y_max"]
    list_filter = ["school"]
    ordering = ["school__name", "order"]


@admin.register(LeverStep)
class LeverStepAdmin(admin.ModelAdmin):
    list_display = ["lever", "step", "description", "school"]
    list_filter = ["school", "lever"]


@admin.register(Placement)
class PlacementAdmin(FamilyDataAdminMixin, admin.ModelAdmin):
    """Placements are never overwritten, so admin only shows them."""

    list_display = ["family", "school", "region_label", "placed_by", "placed_at"]
    list_filter = ["school", "region_key"]
    list_select_related = ["family", "school", "placed_by"]
    date_hierarchy = "placed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
