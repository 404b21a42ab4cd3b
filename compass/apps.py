from django.apps import AppConfig


class CompassConfig(AppConfig):
    name = "compass"
