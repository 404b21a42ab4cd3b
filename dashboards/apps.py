from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self):
        # The headteacher's and the authority's dashboards in the navigation, and the
        # headteacher's home panel.
        from dashboards.navigation import register_dashboard

        register_dashboard()
