"""Council API tokens in admin: listed so administrators can see which exist and stop one at
once (a lost laptop, a tool retired). The secret is never stored, and its hash is never shown;
tokens are made by the authority's officers on their own page, not here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from council_data.models import CouncilToken


@admin.register(CouncilToken)
class CouncilTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "shown_prefix", "authority", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["authority", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["authority", "created_by"]
    search_fields = ["name", "prefix"]
    fields = (
        "name",
        "shown_prefix",
        "authority",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="starts")
    def shown_prefix(self, obj: CouncilToken) -> str:
        return f"pcc_{obj.prefix}…"

    def has_add_permission(self, request) -> bool:
        return False  # made by the authority's officers, who are shown the secret once

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked, never deleted: the access log names it

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=request.user
        )
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
