"""Django admin for families. Only superusers (or staff given families permissions on purpose)
see these: the Administrators group manages accounts and schools, not family records, whatever
permissions it is given (portal.access.may_read_family_records_in_admin)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

import audit
from families import importer, services
from families.models import (
    Child,
    ChildParent,
    Contact,
    Family,
    ImportRun,
    ParentCarer,
    SchoolFamily,
)
from portal import access
from portal.models import School

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportUploadForm(forms.Form):
    school = forms.ModelChoiceField(
        queryset=School.objects.select_related("authority"),
        help_text="Every pupil in the file is placed in this school.",
    )
    file = forms.FileField(
        label="CSV file", help_text="Saved from the school information system as CSV (UTF-8)."
    )
    all_or_nothing = forms.BooleanField(
        required=False,
        label="All or nothing",
        help_text="If any row has a problem, import nothing. Otherwise good rows are imported "
        "and the problem rows are listed.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = access.import_school_ids(user)
        if schools is not None:  # only the schools this user may import into
            self.fields["school"].queryset = self.fields["school"].queryset.filter(pk__in=schools)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it and try again.")
        try:
            content = importer.decode(upload.read())
            importer.check_header(content)  # the rows are read in the background
        except importer.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.cleaned_data["content"] = content
        return upload


_STORED = ModelBackend()


def _granted(user, perm: str) -> bool:
    """Only permissions granted in admin count here, never the portal's role rules: a member of
    staff who also administers must not reach family records through their school role, and a
    member of the Administrators group never does (see portal.access)."""
    return access.may_read_family_records_in_admin(user, perm)


class _StoredPermsOnly:
    """Admin permissions for family data from stored permissions only (see _granted)."""

    def get_queryset(self, request):
        # Lists select their related rows; anything else loads per page, not per row.
        return super().get_queryset(request).fetch_mode(models.FETCH_PEERS)

    def _perm(self, request, action) -> bool:
        return _granted(request.user, f"families.{action}_{self.opts.model_name}")

    def has_module_permission(self, request):
        return access.may_use_family_admin(request.user, "families")

    def has_view_permission(self, request, obj=None):
        return self._perm(request, "view") or self._perm(request, "change")

    def has_change_permission(self, request, obj=None):
        return self._perm(request, "change")

    def has_add_permission(self, request, *args):
        return self._perm(request, "add")

    def has_delete_permission(self, request, obj=None):
        # Nobody hard-deletes family records here, superusers included: contacts are
        # withdrawn with a reason in the portal; erasure is only the retention process's.
        return False


class ChildInline(_StoredPermsOnly, admin.TabularInline):
    model = Child
    extra = 0
    fields = ["first_name", "last_name", "date_of_birth", "school", "class_group", "year_group"]
    autocomplete_fields = ["school", "class_group"]
    show_change_link = True


class ParentCarerInline(_StoredPermsOnly, admin.TabularInline):
    model = ParentCarer
    extra = 0
    fields = ["first_name", "last_name", "household", "phone", "email", "language"]
    show_change_link = True


class SchoolFamilyInline(_StoredPermsOnly, admin.TabularInline):
    model = SchoolFamily
    extra = 0
    fields = ["school", "key_contact"]
    autocomplete_fields = ["school", "key_contact"]


class ChildParentInline(_StoredPermsOnly, admin.TabularInline):
    model = ChildParent
    extra = 0
    fields = [
        "parent",
        "relationship",
        "parental_responsibility",
        "lives_with_child",
        "restriction",
    ]
    autocomplete_fields = ["parent"]


@admin.register(Family)
class FamilyAdmin(_StoredPermsOnly, admin.ModelAdmin):
    list_display = ["name", "authority", "created_at", "updated_at"]
    list_filter = ["authority"]
    search_fields = [
        "name",
        "children__first_name",
        "children__last_name",
        "parents__first_name",
        "parents__last_name",
    ]
    list_select_related = ["authority"]
    autocomplete_fields = ["authority"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SchoolFamilyInline, ChildInline, ParentCarerInline]


class _ImportLinkMixin:
    """Adds the CSV import page under this model's admin URLs and links it from the changelist."""

    change_list_template = "admin/families/change_list_with_import.html"

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"families_{self.model._meta.model_name}_import",
            )
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_url": reverse(f"admin:families_{self.model._meta.model_name}_import")
            if access.may_import(request.user)
            else None,
        }
        return super().changelist_view(request, extra_context)

    def _import_context(self, request, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "columns": importer.COLUMNS,
        }

    def import_view(self, request):
        """Upload a CSV: it is stored and checked in the background (a dry run), and the user is
        sent to the run's page, which shows its progress and then what would change."""
        if not access.may_import(request.user):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        context = self._import_context(request, "Import pupils and families from a CSV file")
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                data = form.cleaned_data
                run = services.import_run_start(
                    school=data["school"],
                    user=request.user,
                    content=data["content"],
                    file_name=data["file"].name or "",
                    all_or_nothing=data["all_or_nothing"],
                )
                return redirect("admin:families_importrun_detail", pk=run.pk)
        else:
            form = ImportUploadForm(user=request.user)
        context["form"] = form
        context["runs"] = _recent_runs(request)[:5]
        return TemplateResponse(request, "admin/families/import_form.html", context)


def _recent_runs(request):
    return ImportRun.objects.for_schools(access.import_school_ids(request.user)).for_list()


def _get_import_run_for_user(request, pk: int) -> ImportRun:
    """An import run of a school this user may import into; any other is a 404."""
    if not access.may_import(request.user):
        raise PermissionDenied
    run = ImportRun.objects.select_related("school", "started_by").filter(pk=pk).first()
    if run is None or not access.may_import_into(request.user, run.school_id):
        raise Http404("No such import.")
    return run


# A report lists at most this many rows with problems (a whole file of bad rows would make a
# page too large to open); the counts above it always cover every row.
ERRORS_SHOWN = 1000


class _ImportRunPagesMixin(_ImportLinkMixin):
    """The import runs' pages: recent runs, one run's progress and report, and importing a
    finished dry run without a second upload. Registered once, under Children."""

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path(
                "import/runs/",
                view(require_GET(self.import_runs_view)),
                name="families_importrun_list",
            ),
            path(
                "import/runs/<id:pk>/",
                view(require_GET(self.import_run_view)),
                name="families_importrun_detail",
            ),
            path(
                # Method first: a GET is 405 for everyone, as for the portal's POST-only views.
                "import/runs/<id:pk>/import/",
                require_POST(view(self.import_run_confirm_view)),
                name="families_importrun_confirm",
            ),
        ]
        return own + super().get_urls()

    def import_runs_view(self, request):
        if not access.may_import(request.user):
            raise PermissionDenied
        context = self._import_context(request, "Recent imports")
        context["runs"] = _recent_runs(request)[:50]
        return TemplateResponse(request, "admin/families/import_runs.html", context)

    def import_run_view(self, request, pk: int):
        run = _get_import_run_for_user(request, pk)
        result = run.result() if run.status == ImportRun.Status.DONE else None
        if result is not None:
            # The report quotes the file (names, ids): who read it is logged.
            audit.record(request, action=audit.VIEW, obj=run)
        title = f"{run.kind} of {run.file_name or 'a CSV file'} into {run.school.name}"
        context = {
            **self._import_context(request, title),
            "run": run,
            "result": result,
            "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
            "errors_hidden": max(0, len(result.errors) - ERRORS_SHOWN) if result else 0,
            "started_import": run.imports.order_by("pk").first() if run.dry_run else None,
            "can_import": run.can_be_imported(),
            "seems_stopped": run.seems_stopped(),
        }
        return TemplateResponse(request, "admin/families/import_run.html", context)

    def import_run_confirm_view(self, request, pk: int):
        run = _get_import_run_for_user(request, pk)
        try:
            started = services.import_run_confirm(dry_run=run, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("admin:families_importrun_detail", pk=run.pk)
        return redirect("admin:families_importrun_detail", pk=started.pk)


@admin.register(SchoolFamily)
class SchoolFamilyAdmin(_ImportLinkMixin, _StoredPermsOnly, admin.ModelAdmin):
    list_display = ["family", "school", "key_contact", "last_contact_at", "last_contact_tone"]
    list_filter = ["school__authority", "school", "last_contact_tone"]
    search_fields = ["family__name", "key_contact__first_name", "key_contact__last_name"]
    list_select_related = ["family", "school", "key_contact"]
    autocomplete_fields = ["family", "school", "key_contact"]
    readonly_fields = [
        "last_contact_at",
        "last_contact_tone",
        "last_positive_at",
        "positive_count",
        "neutral_count",
        "concern_count",
    ]


@admin.register(Child)
class ChildAdmin(_ImportRunPagesMixin, _StoredPermsOnly, admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "school",
        "year_group",
        "class_group",
        "looked_after",
        "additional_support_needs",
        "young_carer",
        "left_on",
    ]
    list_filter = [
        "school__authority",
        "school",
        "year_group",
        "looked_after",
        "additional_support_needs",
        "young_carer",
    ]
    search_fields = ["first_name", "last_name", "external_id", "family__name"]
    list_select_related = ["school", "class_group"]
    autocomplete_fields = ["family", "school", "class_group"]
    inlines = [ChildParentInline]


@admin.register(ParentCarer)
class ParentCarerAdmin(_StoredPermsOnly, admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "family",
        "household",
        "language",
        "interpreter_needed",
        "preferred_channel",
    ]
    list_filter = ["interpreter_needed", "preferred_channel", "reading", "family__authority"]
    search_fields = ["first_name", "last_name", "email", "phone", "external_id", "family__name"]
    list_select_related = ["family"]
    autocomplete_fields = ["family"]


@admin.register(ChildParent)
class ChildParentAdmin(_StoredPermsOnly, admin.ModelAdmin):
    list_display = [
        "child",
        "parent",
        "relationship",
        "parental_responsibility",
        "lives_with_child",
        "has_restriction",
    ]
    list_filter = ["relationship", "parental_responsibility", "lives_with_child"]
    search_fields = [
        "child__first_name",
        "child__last_name",
        "parent__first_name",
        "parent__last_name",
    ]
    list_select_related = ["child", "parent"]
    autocomplete_fields = ["child", "parent"]

    @admin.display(boolean=True, description="restriction recorded")
    def has_restriction(self, obj):
        return obj.is_restricted


@admin.register(Contact)
class ContactAdmin(_StoredPermsOnly, admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "family",
        "school",
        "staff",
        "channel",
        "tone",
        "level",
        "confidentiality",
        "follow_up_on",
        "withdrawn_at",
    ]
    list_filter = ["school", "tone", "channel", "level", "formality", "confidentiality"]
    search_fields = ["family__name", "staff__first_name", "staff__last_name"]
    list_select_related = ["family", "school", "staff"]
    autocomplete_fields = [
        "family",
        "school",
        "staff",
        "parents",
        "children",
        "follow_up_owner",
        "named_staff",
        "follow_up_contact",
    ]
    date_hierarchy = "occurred_at"
    readonly_fields = [
        "recorded_at",
        "updated_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawn_reason",
    ]

    def get_queryset(self, request):
        # Withdrawn contacts are still records: admin lists them too.
        return Contact.all_objects.fetch_mode(models.FETCH_PEERS)

    def get_exclude(self, request, obj=None):
        # What was said in a pastoral or named-staff-only contact is for its readers in the
        # portal (who are named, or whose role allows it), never for anyone in admin, superusers
        # included: admin shows that such a contact exists, not its words.
        if obj is not None and obj.confidentiality != access.CONFIDENTIAL_SCHOOL:
            return ["summary", "agreed", "confidentiality_reason"]
        return super().get_exclude(request, obj)
