from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Schools and staff"

    def ready(self):
        from django.urls import register_converter

        from portal import access, checks, shell  # noqa: F401  (checks registers itself)
        from portal.lib.limits import IdConverter

        # Every URL takes ids as <id:pk>: a number too large for the database is a 404.
        register_converter(IdConverter, "id")

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
