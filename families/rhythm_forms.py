"""The headteacher's form for the contact rhythm (families.rhythm)."""

from __future__ import annotations

from families.models import ContactRhythm
from portal.lib import conflicts
from portal.lib.limits import BoundedModelForm


class ContactRhythmForm(conflicts.VersionedForm, BoundedModelForm):
    """At least one contact every so many weeks, for each communication level."""

    class Meta:
        model = ContactRhythm
        fields = ["general_weeks", "enhanced_weeks", "intensive_weeks"]
