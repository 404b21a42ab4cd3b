from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and complaints"

    def ready(self):
        from meetings import complaint_records, records

        records.register_records()
        complaint_records.register_records()
        from meetings import complaints, integration

        integration.register()
        complaints.register()
