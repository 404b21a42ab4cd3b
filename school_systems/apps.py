from django.apps import AppConfig


class SchoolSystemsConfig(AppConfig):
    """Pupils and parents from the school's information system: OneRoster 1.1/1.2 CSV bundles
    and a OneRoster REST endpoint pulled on a schedule."""

    name = "school_systems"
    verbose_name = "School systems"
