"""The families app's pages, one module per screen; see families/urls.py for the routes."""
