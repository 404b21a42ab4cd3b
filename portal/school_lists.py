"""The headteacher's school lists: the subjects and departments staff choose from on the
contact form, and the designated teacher for looked-after children."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal import services
from portal.http import SchoolRequest
from portal.lib import saving
from portal.lib.staff import StaffChoiceField, family_workers, staff_name
from portal.models import School, StaffAccessChange
from portal.views import _get_school_for_user

SUBJECT_LIMIT = 80  # families.school_day.SUBJECT_MAX_LENGTH, the contact's column


class SchoolListsForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["subjects", "designated_teacher"]
        field_classes = {"designated_teacher": StaffChoiceField}
        widgets = {"subjects": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designated_teacher"].queryset = family_workers(self.instance)
        self.fields["designated_teacher"].empty_label = "Not named yet"
        self.fields["designated_teacher"].label = "Designated teacher for looked-after children"

    def clean_subjects(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["subjects"].splitlines()]
        long = [line for line in lines if len(line) > SUBJECT_LIMIT]
        if long:
            raise forms.ValidationError(
                f"Keep each subject to {SUBJECT_LIMIT} characters: “{long[0][:40]}…” is longer."
            )
        return "\n".join(line for line in lines if line)


@require_http_methods(["GET", "POST"])
def school_lists(request: SchoolRequest, pk: int):
    """The headteacher names the school's subjects and its designated teacher."""
    school = _get_school_for_user(request, pk, perm="portal.set_school_lists")
    before = school.designated_teacher
    form = SchoolListsForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form), transaction.atomic():
            school = form.save()
            if school.designated_teacher_id != (before.pk if before else None):
                # Naming the designated teacher widens what they see: on the access trail.
                services.staff_change_record(
                    actor=request.user,
                    kind=StaffAccessChange.Kind.MEMBERSHIP,
                    what=f"Designated teacher for looked-after children at {school.name}",
                    before=staff_name(before) if before else "Not named",
                    after=staff_name(school.designated_teacher)
                    if school.designated_teacher
                    else "Not named",
                    subject=school.designated_teacher or before,
                    school=school,
                )
            messages.success(request, "The school's subjects and designated teacher are saved.")
            return redirect("school-lists", pk=school.pk)
    return render(request, "portal/school_lists.html", {"school": school, "form": form})
