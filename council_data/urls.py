from django.urls import path

from council_data import api, views

app_name = "council_data"

urlpatterns = [
    # The authority officer's page, its downloads and the council's tokens (signed in).
    path("council-data/", views.council_data, name="page"),
    path("council-data/figures.csv", views.figures_csv, name="figures-csv"),
    path("council-data/figures.json", views.figures_json, name="figures-json"),
    path("council-data/tokens/new/", views.token_new, name="token-new"),
    path("council-data/tokens/<id:pk>/revoke/", views.token_revoke, name="token-revoke"),
    # The council's reporting tools, with an API token and no session.
    path("council-data/api/v1/figures.json", api.api_figures_json, name="api-figures-json"),
    path("council-data/api/v1/figures.csv", api.api_figures_csv, name="api-figures-csv"),
]
