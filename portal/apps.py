from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Schools and staff"

    def ready(self):
        from portal import access, checks, shell  # noqa: F401  (checks registers itself)

        shell.register_nav(
            shell.NavItem(
                label="Our team",
                url_name="school-team",
                allowed=lambda request: access.works_with_families(request.user, request.school),
                url_kwargs=lambda request: {"pk": request.school.pk},
                order=90,
            )
        )
        shell.register_nav(
            shell.NavItem(
                label="Staff access",
                url_name="staff-access",
                allowed=lambda request: access.is_headteacher(request.user, request.school),
                url_kwargs=lambda request: {"pk": request.school.pk},
                order=95,
            )
        )
