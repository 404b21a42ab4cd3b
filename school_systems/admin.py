"""OneRoster imports in Django admin: upload a bundle (.zip), see its dry run, then confirm.

Who may import into which school is the families CSV import's rule (portal.access.
import_school_ids): superusers any school, staff granted the six import permissions the schools
they are members of, the Administrators group none. The pages show what the families import
page shows (counts, problems with their file and line, details kept as staff changed them),
nothing more of any family. The checked .zip is kept in storage until it is imported, or for a
day, so confirming needs no second upload; each dry run and import is a RosterImport row and is
in the access log. The check and the import run on the task worker (school_systems/csv_runs.py),
never in the request: a secondary school's bundle takes longer than a request may."""

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
from school_systems.csv_runs import roster_csv_run
from school_systems.models import RosterImport
from school_systems.roster_import import record_import

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
        """Upload a bundle: it is read at once (a bundle that cannot be read is refused here),
        then checked as a dry run by the task worker; the report page follows it, with a
        button to import."""
        if not access.may_import(request.user):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        context = self._context(request, "Import a OneRoster bundle")
        form = BundleUploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            school, name = data["school"], data["file"].name or "bundle.zip"
            try:
                bundle = csv_bundle.read_zip(data["data"], name)
            except BundleError as exc:
                self._record(request, school, name, None, data["all_or_nothing"], problem=str(exc))
                form.add_error("file", f"{exc} Nothing was saved.")
            else:
                with transaction.atomic():
                    row = self._record(
                        request, school, name, bundle, data["all_or_nothing"], finished=False
                    )
                    uploads.keep(row, data["data"], data["org"].strip())
                    # Queued in this transaction: a database worker sees it once the row is saved.
                    roster_csv_run.enqueue(row.pk)
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
        finished=True,
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
            finished=finished,
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
            row = self._record(
                request,
                claimed.school,
                claimed.name,
                None,
                claimed.all_or_nothing,
                dry_run=False,
                finished=False,
            )
            row.version = claimed.version
            row.save(update_fields=["version"])
            uploads.hand_over(claimed, row)  # the claim: no other confirm can read it now
            claimed.report["imported_as"] = row.pk
            claimed.save(update_fields=["report"])
            roster_csv_run.enqueue(row.pk)
        row.refresh_from_db()
        if row.finished_at is None:
            messages.info(
                request, "The import has started; this page shows what it did once it is done."
            )
        elif row.problem:
            messages.error(request, row.problem)
        else:
            result = ImportResult.from_json(row.report)
            level = messages.SUCCESS if result.saved else messages.WARNING
            messages.add_message(request, level, result.headline())
        return redirect("admin:school_systems_rosterimport_report", pk=row.pk)


from school_systems import admin_sources  # noqa: E402,F401  (registers RosterSource)
