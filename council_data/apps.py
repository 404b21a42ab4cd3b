from django.apps import AppConfig


class CouncilDataConfig(AppConfig):
    """The authority's figures out to the council's own reporting tools: CSV and JSON, with a
    per-council API token and the screen's small-number suppression."""

    name = "council_data"
    verbose_name = "Data for the council"
