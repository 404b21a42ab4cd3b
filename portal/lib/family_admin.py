"""The gate on every admin page of family data (families, compass, privacy, audit): whatever
permissions an Administrators group member is given, they get no list, page or change of it."""

from portal import access


class FamilyDataAdminMixin:
    """Put first in a ModelAdmin's bases, so the gate comes before its own permission rules."""

    def _barred(self, request) -> bool:
        user = request.user
        return not user.is_superuser and access.is_administrator(user)

    def has_module_permission(self, request):
        return not self._barred(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return not self._barred(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return not self._barred(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return not self._barred(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._barred(request) and super().has_delete_permission(request, obj)
