from django.apps import AppConfig


class ReachingOutConfig(AppConfig):
    name = "reaching_out"
    verbose_name = "Messages to parents and carers"

    def ready(self):
        from families import extensions
        from meetings.extensions import MeetingSection
        from meetings.extensions import register_section as register_meeting_section
        from portal import shell
        from reaching_out import records, sections

        records.register_records()
        extensions.register_row_annotation("has_messages", sections.has_messages)
        extensions.register_section(
            extensions.FamilySection(
                template="reaching_out/family_section.html",
                context=sections.family_section,
                order=18,
            )
        )
        shell.register_panel(
            shell.HomePanel(
                template="reaching_out/home_panel.html",
                render=sections.home_panel,
                order=6,
                waiting=sections.home_waiting,
            )
        )
        register_meeting_section(
            MeetingSection(
                template="reaching_out/meeting_section.html",
                context=sections.meeting_section,
                pages=("plan", "detail"),
                order=70,
            )
        )
        shell.register_nav(
            shell.NavItem(
                label="Messages", url_name="reaching_out:outbox", allowed=_sends, order=35
            )
        )


def _sends(request) -> bool:
    from portal import access

    school = getattr(request, "school", None)
    return school is not None and access.may_send_messages(request.user, school)
