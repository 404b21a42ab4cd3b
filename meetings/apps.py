from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and complaints"

    def ready(self):
        from meetings import complaints, integration

        integration.register()
        complaints.register()
