from django.apps import AppConfig


class EveningsConfig(AppConfig):
    name = "evenings"
    verbose_name = "Parents' evenings"

    def ready(self):
        from evenings import home, messages, records, sections
        from evenings.views import parent
        from family_voice import pages
        from family_voice.models import Purpose
        from portal import shell
        from reaching_out import extensions
        from reaching_out.models import Kind

        records.register_records()
        sections.register()
        pages.register_page(Purpose.EVENING, parent.page)
        for kind in (Kind.EVENING_INVITE, Kind.EVENING_BOOKED, Kind.EVENING_REMINDER):
            extensions.register_link_maker(kind, messages.link_make)
        for kind in (Kind.EVENING_BOOKED, Kind.EVENING_REMINDER):
            extensions.register_attachments(kind, messages.calendar_file)
        shell.register_panel(
            shell.HomePanel(
                template="evenings/home_panel.html",
                render=home.home_panel,
                order=7,
                waiting=home.home_waiting,
            )
        )
        shell.register_nav(
            shell.NavItem(
                label="Parents' evenings", url_name="evenings:list", allowed=_sees, order=38
            )
        )


def _sees(request) -> bool:
    from portal import access

    school = getattr(request, "school", None)
    return school is not None and access.works_with_families(request.user, school)
