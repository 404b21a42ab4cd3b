from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Schools and staff"

    def ready(self):
        from portal import checks  # noqa: F401  (registers system checks)
