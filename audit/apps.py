from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Access log"

    def ready(self):
        from audit import admin

        # Runs after every app's admin module has registered its models.
        admin.make_history_read_only()
