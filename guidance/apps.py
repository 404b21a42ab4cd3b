from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "guidance"
    verbose_name = "Respectful recording"
