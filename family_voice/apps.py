from typing import Any, cast

from django.apps import AppConfig


class FamilyVoiceConfig(AppConfig):
    name = "family_voice"
    verbose_name = "Family voice"

    def ready(self):
        from families import extensions
        from family_voice import records, sections

        records.register_records()
        extensions.register_row_annotation("has_parent_links", sections.has_parent_links)
        extensions.register_section(
            extensions.FamilySection(
                template="family_voice/family_section.html",
                context=sections.family_section,
                order=16,
            )
        )
        self._register_summary_readings()
        self._register_views_before()
        self._register_preferences_and_compass()
        self._register_notes()

    @staticmethod
    def _register_summary_readings():
        from family_voice import summary
        from meetings.extensions import MeetingSection
        from meetings.extensions import register_section as register_meeting_section

        register_meeting_section(
            MeetingSection(
                template="family_voice/staff_readings.html",
                context=summary.meeting_section,
                pages=("detail", "plan"),
                order=60,
            )
        )
        from portal import shell

        shell.register_panel(
            shell.HomePanel(
                template="family_voice/staff_disputes_panel.html",
                render=summary.disputes_panel,
                order=19,
                waiting=summary.disputes_waiting,
            )
        )

    @staticmethod
    def _register_views_before():
        """Parents' views before a meeting: on the meeting's pages, in the family's chronology,
        and a request for another time on the chair's home page."""
        from families import extensions
        from family_voice import before
        from meetings.extensions import MeetingSection
        from meetings.extensions import register_section as register_meeting_section
        from portal import shell

        extensions.register_row_annotation("has_parent_views", before.has_parent_views)
        register_meeting_section(
            MeetingSection(
                template="family_voice/staff_views_section.html",
                context=before.meeting_section,
                pages=("plan", "detail"),
                order=40,
            )
        )
        extensions.register_timeline_source(
            extensions.TimelineSource(
                kind=before.KIND,
                kind_label="Parents' views before meetings",
                entries=before.timeline,
                order=55,
                takes_period=True,
                shown=before.works_here,
            )
        )
        shell.register_panel(
            shell.HomePanel(
                template="family_voice/staff_views_panel.html",
                render=before.home_panel,
                order=18,
                waiting=before.home_waiting,
            )
        )

    @staticmethod
    def _register_notes():
        """Home–school notes: the family page's block, and new notes on the home page."""
        from families import extensions
        from family_voice.views import staff_notes
        from portal import shell

        extensions.register_row_annotation("has_home_school_notes", staff_notes.has_notes)
        extensions.register_section(
            extensions.FamilySection(
                template="family_voice/staff_note_section.html",
                context=cast(Any, staff_notes.notes_section),
                order=17,
            )
        )
        shell.register_panel(
            shell.HomePanel(
                template="family_voice/staff_note_panel.html",
                render=cast(Any, staff_notes.notes_panel),
                order=5,
                waiting=staff_notes.notes_waiting,
            )
        )

    @staticmethod
    def _register_preferences_and_compass():
        """A parent's own preferences and their own compass: changes waiting on the family page
        and the key contact's home page; both views side by side on the family page, right
        after the compass; and where they differ most on the school dashboard."""
        from dashboards import extensions as dashboard
        from families import extensions
        from family_voice import own_answers, parent_compass, preferences
        from portal import shell

        extensions.register_row_annotation(
            "has_waiting_preferences", preferences.has_waiting_changes
        )
        extensions.register_row_annotation("has_parent_compass", parent_compass.has_answers)
        extensions.register_section(
            extensions.FamilySection(
                template="family_voice/staff_preferences_section.html",
                context=own_answers.preferences_section,
                order=11,
            )
        )
        extensions.register_section(
            extensions.FamilySection(
                template="family_voice/staff_compass_section.html",
                context=own_answers.compass_section,
                order=21,
            )
        )
        shell.register_panel(
            shell.HomePanel(
                template="family_voice/staff_preferences_panel.html",
                render=own_answers.preferences_panel,
                order=35,
                waiting=preferences.key_contact_waiting,
            )
        )
        dashboard.register_panel(
            dashboard.DashboardPanel(
                template="family_voice/staff_compass_dashboard.html",
                context=own_answers.compass_dashboard_panel,
                order=10,
            )
        )
