"""The dashboards' views, one module per screen."""
