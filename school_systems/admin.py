"""OneRoster imports in Django admin: upload a bundle (.zip), see its dry run, then confirm.

Who may import into which school is the families CSV import's rule (portal.access.
import_school_ids): superusers any school, staff granted the six import permissions the schools
they are members of, the Administrators group none. The pages show what the families import
page shows (counts, problems with their file and line, details kept as staff changed them),
nothing more of any family. The checked .zip is kept in storage until it is imported, or for a
day, so confirming needs no second upload; each dry run and import is a RosterImport row and is
in the access log."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

import audit
from families.importer import ImportResult
from portal import access
from portal.models import School
from school_systems import csv_bundle, uploads
from school_systems.bundle import BundleError
from school_systems.models import RosterImport
from school_systems.roster_import import bundle_import, record_import

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ERRORS_SHOWN = 1000


class BundleUploadForm(forms.Form):
    school = forms.ModelChoiceField(
        queryset=School.objects.select_related("authority"),
        help_text="Every pupil of this school in the bundle is imported into it.",
    )
    file = forms.FileField(
        label="OneRoster bundle (.zip)",
        help_text="The .zip the school information system exports (OneRoster 1.1 or 1.2 CSV).",
    )
    org = forms.CharField(
        label="The school's sourcedId",
        required=False,
        max_length=200,
        help_text="Only where the bundle holds several schools and none has this school's "
        "name in orgs.csv.",
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
            field = cast(forms.ModelChoiceField, self.fields["school"])
            field.queryset = School.objects.select_related("authority").filter(pk__in=schools)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB; export one school only.")
        self.cleaned_data["data"] = upload.read()
        return upload


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    """Read-only: the list of OneRoster imports and dry runs of the schools this user may import
    into; each opens on its report, which a dry run's confirm button imports."""

    list_display = ["created_at", "school", "kind", "source", "name", "version", "by", "outcome"]
    list_filter = ["source", "dry_run"]
    list_select_related = ["school", "started_by"]
    change_list_template = "school_systems/admin_import_list.html"

    def get_queryset(self, request):
        schools = access.import_school_ids(request.user)
        rows = super().get_queryset(request).select_related("school", "started_by")
        return rows if schools is None else rows.filter(school_id__in=schools)

    def has_module_permission(self, request):
        return access.may_import(request.user)

    def has_view_permission(self, request, obj=None):
        if not access.may_import(request.user):
            return False
        return obj is None or access.may_import_into(request.user, obj.school_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="kind")
    def kind(self, obj):
        return "Dry run" if obj.dry_run else "Import"

    @admin.display(description="by")
    def by(self, obj):
        if obj.started_by:
            return obj.started_by.get_full_name() or obj.started_by.get_username()
        return obj.who

    @admin.display(description="outcome")
    def outcome(self, obj):
        if obj.problem:
            return obj.problem
        if not obj.report:
            return ""
        return ImportResult.from_json(obj.report).headline()

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("upload/", view(self.upload_view), name="school_systems_rosterimport_upload"),
            path(
                "<id:pk>/report/",
                view(require_GET(self.report_view)),
                name="school_systems_rosterimport_report",
            ),
            path(
                # Method first: a GET is 405 for everyone, as for the portal's POST-only views.
                "<id:pk>/confirm/",
                require_POST(view(self.confirm_view)),
                name="school_systems_rosterimport_confirm",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The report page stands for the change form (there is nothing to change).
        try:
            pk = int(object_id)
        except ValueError as exc:
            raise Http404("No such import.") from exc
        return redirect("admin:school_systems_rosterimport_report", pk=pk)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "upload_url": reverse("admin:school_systems_rosterimport_upload"),
        }
        return super().changelist_view(request, extra_context)

    def _context(self, request, title: str) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title}

    def upload_view(self, request):
        """Upload a bundle: it is read and checked at once (a dry run, nothing saved), and the
        report is shown with a button to import it."""
        if not access.may_import(request.user):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        context = self._context(request, "Import a OneRoster bundle")
        form = BundleUploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            school, name = data["school"], data["file"].name or "bundle.zip"
            bundle = None
            try:
                bundle = csv_bundle.read_zip(data["data"], name)
                result = bundle_import(
                    bundle,
                    school=school,
                    dry_run=True,
                    all_or_nothing=data["all_or_nothing"],
                    org=data["org"].strip(),
                )
            except BundleError as exc:
                self._record(
                    request, school, name, bundle, data["all_or_nothing"], problem=str(exc)
                )
                form.add_error("file", f"{exc} Nothing was saved.")
            else:
                row = self._record(
                    request, school, name, bundle, data["all_or_nothing"], result=result
                )
                if result.can_confirm:
                    uploads.keep(row, data["data"], data["org"].strip())
                return redirect("admin:school_systems_rosterimport_report", pk=row.pk)
        context["form"] = form
        return TemplateResponse(request, "school_systems/admin_upload.html", context)

    def _record(
        self,
        request,
        school,
        name,
        bundle,
        all_or_nothing,
        *,
        dry_run=True,
        result=None,
        problem="",
    ):
        row = record_import(
            school=school,
            source=RosterImport.Source.CSV,
            name=name,
            version=bundle.version if bundle else "",
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            result=result,
            problem=problem,
            user=request.user,
        )
        audit.record(request, action=audit.IMPORT, obj=row)
        return row

    def _row_for(self, request, pk: int) -> RosterImport:
        """A OneRoster import of a school this user may import into; any other is a 404."""
        if not access.may_import(request.user):
            raise PermissionDenied
        row = RosterImport.objects.select_related("school", "started_by").filter(pk=pk).first()
        if row is None or not access.may_import_into(request.user, row.school_id):
            raise Http404("No such import.")
        return row

    def report_view(self, request, pk: int):
        row = self._row_for(request, pk)
        result = ImportResult.from_json(row.report) if row.report.get("counts") else None
        if result is not None:
            # The report quotes the bundle (ids, names): who read it is logged.
            audit.record(request, action=audit.VIEW, obj=row)
        kind = "Dry run" if row.dry_run else "Import"
        context = {
            **self._context(request, f"{kind} of {row.name or 'a OneRoster bundle'}"),
            "row": row,
            "kind": kind,
            "result": result,
            "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
            "errors_hidden": max(0, len(result.errors) - ERRORS_SHOWN) if result else 0,
            "can_import": bool(row.dry_run and row.report.get("upload") and result),
            "imported_as": row.report.get("imported_as"),
        }
        return TemplateResponse(request, "school_systems/admin_report.html", context)

    def confirm_view(self, request, pk: int):
        """Import the bundle a dry run checked, as checked (school, org, all or nothing). The
        dry run is claimed first, under a row lock, so two confirms at once (a double click,
        two tabs) import once: the second waits, then finds no bundle kept."""
        dry_run = self._row_for(request, pk)
        with transaction.atomic():
            claimed = (
                RosterImport.objects.select_for_update()
                .select_related("school")
                .filter(pk=dry_run.pk)
                .first()
            )
            data = (
                uploads.read(claimed)
                if claimed is not None and not claimed.report.get("imported_as")
                else None
            )
            if claimed is None or data is None:
                messages.error(
                    request,
                    "This check has no bundle kept to import (it is more than a day old, "
                    "or was imported already). Upload the bundle again.",
                )
                return redirect("admin:school_systems_rosterimport_report", pk=dry_run.pk)
            dry_run = claimed
            uploads.forget(dry_run)  # the claim: no other confirm can read it now
            bundle, result, problem = None, None, ""
            try:
                bundle = csv_bundle.read_zip(data, dry_run.name)
                result = bundle_import(
                    bundle,
                    school=dry_run.school,
                    all_or_nothing=dry_run.all_or_nothing,
                    org=dry_run.report.get("org", ""),
                )
            except BundleError as exc:  # e.g. the org no longer matches: nothing was saved
                problem = str(exc)
            row = self._record(
                request,
                dry_run.school,
                dry_run.name,
                bundle,
                dry_run.all_or_nothing,
                dry_run=False,
                result=result,
                problem=problem,
            )
            dry_run.report["imported_as"] = row.pk
            dry_run.save(update_fields=["report"])
        if result is None:
            messages.error(request, f"{problem} Nothing was saved.")
        elif result.saved:
            messages.success(request, result.headline())
        else:
            messages.warning(request, result.headline())
        return redirect("admin:school_systems_rosterimport_report", pk=row.pk)


from school_systems import admin_sources  # noqa: E402,F401  (registers RosterSource)
