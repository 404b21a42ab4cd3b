from django.apps import AppConfig


class CompassConfig(AppConfig):
    name = "compass"

    def ready(self):
        from compass import records

        records.register_records()
        from compass import drawing, prompts, timeline
        from families.extensions import (
            FamilySection,
            TimelineSource,
            register_section,
            register_timeline_source,
        )
        from portal.shell import HomePanel, register_panel

        register_section(
            FamilySection(
                template="compass/placement_section.html",
                context=drawing.section_context,
                order=20,
            )
        )
        register_timeline_source(
            TimelineSource(
                kind=timeline.KIND,
                kind_label=timeline.KIND_LABEL,
                entries=timeline.placement_entries,
                order=20,
                takes_period=True,
            )
        )
        register_panel(
            HomePanel(
                template="compass/placement_review_panel.html",
                render=prompts.review_panel,
                order=30,
            )
        )
        # Getting started: a new school's set-up checklist, first on the page.
        from compass.getting_started import setup_panel

        register_panel(HomePanel(template="compass/setup_panel.html", render=setup_panel, order=5))
