"""OneRoster REST sources in Django admin: set one up per school (the client secret is
written, never shown again), and pull now, as a dry run first. Imported from
school_systems/admin.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.tasks import TaskResultStatus

from families.importer import ImportResult
from portal.access import import_school_ids, may_import, may_import_into
from portal.models import School
from school_systems.models import RosterImport, RosterSource
from school_systems.tasks import roster_pull, schedule_next

EVERY_HOURS = (1, 168)  # at most hourly, at least weekly
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class RosterSourceForm(forms.ModelForm):
    """The secret is never sent back to the browser: the field is always empty, and left empty
    it keeps the saved one."""

    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=True,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Written once and never shown again. Leave empty to keep the saved secret.",
    )

    class Meta:
        model = RosterSource
        fields = [
            "school",
            "base_url",
            "token_url",
            "client_id",
            "client_secret",
            "org_sourced_id",
            "every_hours",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nor is the secret kept in the form's initial data: it is never sent back.
        self.initial["client_secret"] = ""  # nosec B105

    def _https(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        parts = urlsplit(value)
        if value and parts.scheme != "https" and parts.hostname not in _LOOPBACK:
            raise forms.ValidationError(
                "Use an https:// address: the portal sends the client secret and pupils' "
                "details over this connection."
            )
        return value

    def clean_base_url(self) -> str:
        return self._https("base_url").rstrip("/")

    def clean_token_url(self) -> str:
        return self._https("token_url")

    def clean(self):
        """The saved secret is kept only while it goes to the same servers: a new host for the
        token or the roster asks for the secret again, so changing an address cannot send the
        saved secret somewhere else."""
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("client_secret") or "client_secret" in self.errors:
            return cleaned
        saved = self.instance.client_secret if self.instance.pk else ""
        moved = any(
            urlsplit(cleaned.get(name) or "").hostname
            != urlsplit(getattr(self.instance, name) or "").hostname
            for name in ("token_url", "base_url")
            if name not in self.errors
        )
        if not saved:
            self.add_error("client_secret", "Enter the client secret the school system gave.")
        elif moved:
            self.add_error(
                "client_secret",
                "The address has changed to another server: enter the client secret again.",
            )
        else:
            cleaned["client_secret"] = saved
        return cleaned

    def clean_every_hours(self) -> int:
        hours = self.cleaned_data.get("every_hours")
        low, high = EVERY_HOURS
        if hours is None or not low <= hours <= high:
            raise forms.ValidationError(
                f"Pull every {low} to {high} hours (168 hours is once a week)."
            )
        return hours


class RosterSourceAdmin(admin.ModelAdmin):
    form = RosterSourceForm
    list_display = ["school", "base_url", "active", "every_hours", "last_pulled_at", "problem"]
    list_filter = ["active"]
    list_select_related = ["school"]
    search_fields = ["school__name", "base_url", "org_sourced_id"]
    readonly_fields = ["last_pulled_at", "next_pull_at", "last_problem"]
    actions = ["pull_dry_run", "pull_now"]

    # Scoped as OneRoster imports are: a source imports into its school, so only those who may
    # import into that school (portal.access.import_school_ids) see, change or pull it.
    def get_queryset(self, request):
        schools = import_school_ids(request.user)
        rows = super().get_queryset(request).select_related("school")
        return rows if schools is None else rows.filter(school_id__in=schools)

    def has_module_permission(self, request):
        return may_import(request.user) and super().has_module_permission(request)

    def _may(self, request, obj) -> bool:
        return may_import(request.user) and (
            obj is None or may_import_into(request.user, obj.school_id)
        )

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._may(request, None) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj) and super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        """Read-only, admin would print every field's value: never the secret."""
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            fields.remove("client_secret")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            schools = import_school_ids(request.user)
            queryset = School.objects.select_related("authority").order_by("name")
            kwargs["queryset"] = queryset if schools is None else queryset.filter(pk__in=schools)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Last problem")
    def problem(self, source: RosterSource) -> str:
        return (
            (source.last_problem[:80] + "…")
            if len(source.last_problem) > 80
            else (source.last_problem or "None")
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Where a task worker can wait, the schedule wakes for the new or changed source.
        transaction.on_commit(schedule_next)

    def _pull(self, request, queryset, *, dry_run: bool) -> None:
        allowed = import_school_ids(request.user)
        for source in queryset.select_related("school"):
            if allowed is not None and source.school_id not in allowed:
                messages.error(
                    request,
                    f"{source.school}: you may not import pupils and families into this school, "
                    "so it was not pulled.",
                )
                continue
            if not source.active and not dry_run:
                messages.warning(request, f"{source.school}: switched off, so not pulled.")
                continue
            result = roster_pull.enqueue(source.pk, dry_run, request.user.pk)
            if result.status == TaskResultStatus.SUCCESSFUL:
                pk = result.return_value
                row = RosterImport.objects.filter(pk=pk).first() if pk is not None else None
                self._report(request, source, row)
            elif result.is_finished:
                messages.error(request, f"{source.school}: the pull stopped because of a fault.")
            else:
                messages.info(
                    request,
                    f"{source.school}: queued; the report will be under OneRoster imports.",
                )

    def _report(self, request, source: RosterSource, row: RosterImport | None) -> None:
        if row is None:
            messages.error(request, f"{source.school}: the pull did not finish.")
            return
        if row.problem:
            messages.error(request, f"{source.school}: {row.problem}")
            return
        result = ImportResult.from_json(row.report)
        lines = [result.headline(), *result.summary_lines(), *map(str, result.errors[:20])]
        if len(result.errors) > 20:
            lines.append(f"…and {len(result.errors) - 20} more problem(s) in the import's report.")
        level = messages.WARNING if result.errors else messages.SUCCESS
        messages.add_message(request, level, f"{source.school}: " + " ".join(lines))

    @admin.action(description="Pull now as a dry run (saves nothing)")
    def pull_dry_run(self, request, queryset):
        self._pull(request, queryset, dry_run=True)

    @admin.action(description="Pull now")
    def pull_now(self, request, queryset):
        self._pull(request, queryset, dry_run=False)


admin.site.register(RosterSource, RosterSourceAdmin)
