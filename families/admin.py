"""Django admin for families. Only superusers (or staff given families permissions on purpose)
see these: the Administrators group manages accounts and schools, not family records, whatever
permissions it is given (portal.access.may_read_family_records_in_admin)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from families import importer
from families.models import Child, ChildParent, Contact, Family, ParentCarer, SchoolFamily
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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it and try again.")
        try:
            self.cleaned_data["content"] = importer.decode(upload.read())
        except importer.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class ImportConfirmForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.all(), widget=forms.HiddenInput)
    all_or_nothing = forms.BooleanField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_token(self):
        try:
            self.cleaned_data["content"] = signing.loads(
                self.cleaned_data["token"], salt=importer.SALT, max_age=3600
            )
        except signing.BadSignature as exc:
            raise forms.ValidationError("The preview has expired; upload the file again.") from exc
        return self.cleaned_data["token"]


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
            if _may_import(request)
            else None,
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Upload a CSV, see what would change (a dry run), then confirm to save it."""
        if not _may_import(request):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import pupils and families from a CSV file",
            "columns": importer.COLUMNS,
        }
        if request.method == "POST" and "confirm" in request.POST:
            form = ImportConfirmForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    result = importer.families_import(
                        content=data["content"],
                        school=data["school"],
                        dry_run=False,
                        all_or_nothing=data["all_or_nothing"],
                    )
                except importer.ImportFileError as exc:
                    messages.error(request, str(exc))
                    return redirect(request.path)
                level = messages.WARNING if result.errors else messages.SUCCESS
                messages.add_message(
                    request, level, " ".join([result.headline(), *result.summary_lines()])
                )
                for error in result.errors[:20]:
                    messages.warning(request, str(error))
                return redirect(reverse("admin:families_child_changelist"))
            messages.error(
                request, "The import could not be confirmed; please upload the file again."
            )
            return redirect(request.path)
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    result = importer.families_import(
                        content=data["content"],
                        school=data["school"],
                        dry_run=True,
                        all_or_nothing=data["all_or_nothing"],
                    )
                except importer.ImportFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    confirm = ImportConfirmForm(
                        initial={
                            "school": data["school"].pk,
                            "all_or_nothing": data["all_or_nothing"],
                            "token": signing.dumps(
                                data["content"], compress=True, salt=importer.SALT
                            ),
                        }
                    )
                    context.update(result=result, confirm_form=confirm, school=data["school"])
                    return TemplateResponse(request, "admin/families/import_preview.html", context)
        else:
            form = ImportUploadForm()
        context["form"] = form
        return TemplateResponse(request, "admin/families/import_form.html", context)


def _may_import(request) -> bool:
    """Importing creates and changes children, parents and families, so it needs all three."""
    return all(
        _granted(request.user, f"families.{action}_{model}")
        for action in ("add", "change")
        for model in ("child", "parentcarer", "family")
    )


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
class ChildAdmin(_ImportLinkMixin, _StoredPermsOnly, admin.ModelAdmin):
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
