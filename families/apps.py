from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"

    def ready(self):
        from families import records

        records.register_records()
        from families import extensions, looked_after, patterns
        from families.views import panels, rhythm
        from portal import access, shell

        shell.register_nav(
            shell.NavItem(
                label="Families",
                url_name="families:family-list",
                allowed=lambda request: (
                    request.school is not None
                    and access.works_with_families(request.user, request.school)
                ),
                order=10,
            )
        )
        shell.register_panel(
            shell.HomePanel(
                template="families/panels/follow_ups.html",
                render=panels.follow_ups_panel,
                order=10,
                waiting=panels.follow_ups_waiting,
            )
        )
        shell.register_panel(
            shell.HomePanel(
                template="families/panels/good_news.html",
                render=panels.good_news_panel,
                order=30,
            )
        )
        shell.register_panel(
            shell.HomePanel(
                template="families/panels/due_contact.html",
                render=rhythm.due_contact_panel,
                order=20,
                waiting=rhythm.due_contact_waiting,
            )
        )
        extensions.register_section(
            extensions.FamilySection(
                template="families/includes/concern_patterns.html",
                context=patterns.family_section,
                order=25,
            )
        )
        extensions.register_section(
            extensions.FamilySection(
                template="families/includes/designated_teacher.html",
                context=looked_after.designated_teacher_section,
                order=12,
            )
        )
