"""Admin: the authority's phrases to reconsider, and each school's own additions."""

from django.contrib import admin

from guidance.models import HintTally, Phrase


@admin.register(Phrase)
class PhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "school", "is_active", "suggestion"]
    list_filter = ["is_active", ("school", admin.EmptyFieldListFilter), "school"]
    list_select_related = ["school"]
    search_fields = ["phrase", "suggestion"]
    fields = ["school", "phrase", "why", "suggestion", "is_active"]


@admin.register(HintTally)
class HintTallyAdmin(admin.ModelAdmin):
    """Counts only, written by the portal as hints are shown and taken: read-only here."""

    list_display = ["school", "term_start", "phrase", "shown", "taken"]
    list_filter = ["school", "term_start"]
    list_select_related = ["school"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
