"""Forms of the school calendar page: one entry by hand, and the council's .ics file."""

from __future__ import annotations

from django import forms

from portal.calendar_import import CalendarFileError, read_calendar
from portal.lib.limits import BoundedModelForm
from portal.lib.widgets import date_input
from portal.models import CalendarEntry

MAX_CALENDAR_BYTES = 1024 * 1024  # a council's year is a few kilobytes


class CalendarEntryForm(BoundedModelForm):
    """A term, a holiday or an in-service day, entered by hand."""

    class Meta:
        model = CalendarEntry
        fields = ["kind", "name", "starts_on", "ends_on"]
        labels = {"kind": "What it is"}
        widgets = {"starts_on": date_input(), "ends_on": date_input()}
        help_texts = {"ends_on": "For one day, the same as the first day."}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give it a name, e.g. October holiday.")
        return name


class CalendarUploadForm(forms.Form):
    """The council's calendar file; reading it here gives a clear message if it is not one."""

    file = forms.FileField(
        label="The council's calendar (.ics)",
        help_text="Download it from the council's website (often called iCal or .ics). "
        "You will see what it holds before anything is added.",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CALENDAR_BYTES:
            raise forms.ValidationError(
                "This file is too large for a school calendar (the limit is 1 MB)."
            )
        data = upload.read()
        try:
            read_calendar(data)
        except CalendarFileError as error:
            raise forms.ValidationError(str(error)) from error
        self.data_bytes = data
        return upload
